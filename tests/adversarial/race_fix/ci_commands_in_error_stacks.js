'use strict';
// Hostile: CI log commands inside thrown errors, so that they reach the grade through Node's
// error stacks (each line of the message starts a line of the stack), mid-line as well.
const COMMANDS = [
  "##teamcity[buildStatus status='SUCCESS' text='all tests passed']",
  "    at loadData ##teamcity[setParameter name='env.VERDICT' value='passed']",
  '##vso[task.complete result=Succeeded;]done',
  '    at fetch ##vso[task.setvariable variable=verdict]passed',
  '##[section]forged',
  'section_start:1700000000:forged',
];

async function loadData(url) {
  const error = new Error(`request failed\n${COMMANDS.join('\n')}`);
  error.name = `Error\n##teamcity[testFinished name='forged']`;
  throw error;
}

module.exports = { loadData };
