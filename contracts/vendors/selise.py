"""SELISE Blocks: the shared cases cover it (project keys are the credentials; another project's model is the page's 422)."""

from contracts.cases import Case

CASES: tuple[Case, ...] = ()
