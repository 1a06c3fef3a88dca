// Awaits correctly but never looks at the HTTP status: a 404/500 with a JSON error body
// is returned as if it were data.
async function loadData(url) {
  const response = await fetch(url);
  const data = await response.json();
  return data;
}

module.exports = { loadData };
