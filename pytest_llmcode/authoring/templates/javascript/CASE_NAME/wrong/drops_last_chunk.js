'use strict';
// Plausible but wrong: a shorter last chunk is lost.

/**
 * Split `items` into arrays of `size` elements.
 * @param {Array<unknown>} items
 * @param {number} size
 * @returns {Array<Array<unknown>>}
 */
function chunk(items, size) {
  const chunks = [];
  for (let start = 0; start + size <= items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

module.exports = { chunk };
