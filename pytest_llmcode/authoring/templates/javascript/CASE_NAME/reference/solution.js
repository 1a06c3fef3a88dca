'use strict';

/**
 * Split `items` into consecutive arrays of `size` elements; the last may be shorter.
 * @param {Array<unknown>} items
 * @param {number} size
 * @returns {Array<Array<unknown>>}
 */
function chunk(items, size) {
  const chunks = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

module.exports = { chunk };
