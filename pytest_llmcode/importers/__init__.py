"""`python -m pytest_llmcode import FORMAT SOURCE --out DIR`: eval cases from the published
benchmark files (HumanEval and HumanEval-X, MBPP, EvalPlus's HumanEval+ and MBPP+).

One module per format turns records into case files; `writer` writes them, checked by the
plugin's own case loaders, and tells what it skipped and why. Nothing of a dataset is run
here: every piece of dataset code (canonical solutions, test helpers) runs only in the
sandbox's trusted tester, when a case is graded."""
