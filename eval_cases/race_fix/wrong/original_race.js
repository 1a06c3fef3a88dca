// Wraps the original code in a function but keeps the race: `data` is returned before
// the promise chain has assigned it.
async function loadData(url) {
  let data = null;
  fetch(url)
    .then((r) => r.json())
    .then((d) => (data = d))
    .catch(() => {});
  return data;
}

module.exports = { loadData };
