"""The documentation keeps up with the commands: every command has help that ends with examples
that run as written, and a section of its own in the README."""

from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from report_index.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def _examples(help_text: str) -> list[str]:
    """The example command lines at the end of a --help text."""
    tail = re.split(r"\n  Examples?:\n", help_text)
    assert len(tail) == 2, f"no Examples: section in\n{help_text}"
    return [line.strip() for line in tail[1].splitlines() if line.strip()]


def test_every_command_is_listed():
    assert COMMANDS == [
        "compare", "debug", "ingest", "initiatives", "measures", "progress", "reindex", "reports", "search", "serve", "show", "similar",
    ]


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_ends_with_examples_of_itself(name):
    text = _help(name)
    command = main.commands[name]
    assert command.help and len(command.help.split()) >= 5, f"{name} has no real help text"
    examples = _examples(text)
    assert 1 <= len(examples) <= 2
    for example in examples:
        words = shlex.split(example)
        assert words[:2] == ["report-index", name], example
    assert text.rstrip().endswith(examples[-1]), "the examples must be the last thing --help shows"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts[0]} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_examples_parse(name):
    """Each example is a valid command line: its options exist and take the values given."""
    from report_index.cli import _State

    for example in _examples(_help(name)):
        words = shlex.split(example)[1:]
        for shell in (">", "|"):  # a redirection is the shell's, not the command's
            words = words[: words.index(shell)] if shell in words else words
        command = main.commands[name]
        parent = main.make_context("report-index", [name])
        parent.obj = _State(None)
        with command.make_context(name, words[1:], parent=parent) as ctx:
            assert ctx.command is command


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_readme_section(name):
    assert re.search(rf"^### `report-index {name}\b", README, re.M), f"README has no '### `report-index {name}' section"


def test_the_main_help_ends_with_examples():
    text = _help()
    assert _examples(text)[0] == "report-index ingest corpus/"


def test_readme_has_the_code_map_and_the_api():
    for heading in ("## Quick start", "## Python API", "## How the code is laid out", "## Commands"):
        assert heading in README
    for package in ("sources/", "structure/", "measures/", "initiatives/", "pipeline.py", "index/", "ingest/", "search/", "output/", "cli.py"):
        assert package in README.split("## How the code is laid out")[1].split("\n## ")[0], package


def test_the_gold_expectations_are_the_users():
    """The tests judge against ``tests/fixtures/gold_seeds.json``, a copy of what the user wrote in
    ``../shared/gold/seeds.json``: where the user's file is beside the repository, they agree."""
    import json

    users = ROOT.parent / "shared" / "gold" / "seeds.json"
    if not users.is_file():
        pytest.skip("the user's shared/ folder is not beside this checkout")
    ours = json.loads((ROOT / "tests" / "fixtures" / "gold_seeds.json").read_text(encoding="utf-8"))
    assert ours == json.loads(users.read_text(encoding="utf-8"))
