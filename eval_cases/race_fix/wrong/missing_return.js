// Checks the status, but the `.then` callback forgets to return the parsed body, so the
// function resolves with undefined.
function loadData(url) {
  return fetch(url).then((res) => {
    if (!res.ok) {
      throw new Error(`HTTP ${res.status}`);
    }
    res.json();
  });
}

module.exports = { loadData };
