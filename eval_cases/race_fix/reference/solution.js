'use strict';

/**
 * Fetch `url`, wait for the response and resolve with its parsed JSON body.
 *
 * The original snippet read `data` synchronously, before the promise chain had run, so it
 * always saw `null`. Awaiting the request fixes the race; checking `res.ok` turns HTTP
 * error statuses into rejections instead of silently parsing an error body.
 *
 * @param {string} url absolute URL to GET
 * @returns {Promise<unknown>} the parsed JSON body
 * @throws {Error} on network failure, non-2xx status, or a body that is not valid JSON
 */
async function loadData(url) {
  let res;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`Request to ${url} failed: ${err.message}`, { cause: err });
  }
  if (!res.ok) {
    // Drain the body so the connection can be reused, then report the status.
    await res.text().catch(() => {});
    throw new Error(`Request to ${url} failed with HTTP ${res.status} ${res.statusText}`);
  }
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`Response from ${url} is not valid JSON: ${err.message}`, { cause: err });
  }
}

module.exports = { loadData };
