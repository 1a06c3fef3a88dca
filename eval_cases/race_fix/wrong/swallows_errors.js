// Checks the status, but "handles" every error by logging it and resolving with null.
async function loadData(url) {
  try {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`HTTP error! status: ${response.status}`);
    }
    return await response.json();
  } catch (error) {
    console.error('Failed to load data:', error.message);
    return null;
  }
}

module.exports = { loadData };
