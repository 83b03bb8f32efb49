"""Reading the commit, branch and remote from `.git` files: real layouts work, hostile ones give
"no commit" with a reason, never an exception, a hang or a read outside the tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archaudit.scan.git import git_state
from archaudit.store import identity

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


def _repo(root: Path, head: str = "ref: refs/heads/main\n", refs: dict[str, str] | None = None,
          packed: str = "", config: str = "") -> Path:
    git = root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text(head)
    for name, value in (refs or {}).items():
        (git / name).parent.mkdir(parents=True, exist_ok=True)
        (git / name).write_text(value + "\n")
    if packed:
        (git / "packed-refs").write_text(packed)
    if config:
        (git / "config").write_text(config)
    return root


def test_branch_commit_and_remote_from_loose_ref(tmp_path: Path) -> None:
    config = '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://user:s3cret@github.com/Acme/Shop.git\n'
    state = git_state(_repo(tmp_path, refs={"refs/heads/main": SHA}, config=config))
    assert (state.commit, state.branch) == (SHA, "main")
    assert state.remote == "https://github.com/Acme/Shop.git" and "s3cret" not in repr(state)
    assert identity(tmp_path, state) == "git:github.com/Acme/Shop"


def test_scp_like_and_https_remotes_are_one_repository(tmp_path: Path) -> None:
    ssh = git_state(_repo(tmp_path / "a", config='[remote "origin"]\n  url = git@github.com:Acme/Shop.git\n'))
    https = git_state(_repo(tmp_path / "b", config='[remote "origin"]\n  url = https://github.com/Acme/Shop\n'))
    assert identity(tmp_path / "a", ssh) == identity(tmp_path / "b", https) == "git:github.com/Acme/Shop"


def test_packed_refs_and_detached_head(tmp_path: Path) -> None:
    packed = f"# pack-refs with: peeled fully-peeled sorted\n{SHA} refs/heads/main\n^{OTHER}\n"
    assert git_state(_repo(tmp_path / "a", packed=packed)).commit == SHA
    detached = git_state(_repo(tmp_path / "b", head=OTHER + "\n"))
    assert (detached.commit, detached.branch) == (OTHER, None)


def test_no_git_and_an_unborn_branch_say_why(tmp_path: Path) -> None:
    assert git_state(tmp_path).note == "no .git directory or file"
    unborn = git_state(_repo(tmp_path / "r"))
    assert unborn.commit is None and unborn.branch == "main" and "no commit yet" in unborn.note
    assert identity(tmp_path, git_state(tmp_path)) == f"path:{tmp_path.resolve()}"


def test_a_linked_worktree_that_git_registered_is_followed(tmp_path: Path) -> None:
    main = _repo(tmp_path / "main", refs={"refs/heads/main": SHA, "refs/heads/feature": OTHER})
    private = main / ".git" / "worktrees" / "wt"
    private.mkdir(parents=True)
    (private / "HEAD").write_text("ref: refs/heads/feature\n")
    (private / "commondir").write_text("../..\n")
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {private}\n")
    (private / "gitdir").write_text(f"{worktree / '.git'}\n")
    assert (git_state(worktree).commit, git_state(worktree).branch) == (OTHER, "feature")


def test_a_gitdir_pointer_outside_the_tree_that_does_not_name_it_back_is_refused(tmp_path: Path) -> None:
    elsewhere = _repo(tmp_path / "victim", refs={"refs/heads/main": SHA})
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / ".git").write_text(f"gitdir: {elsewhere / '.git'}\n")
    state = git_state(tree)
    assert state.commit is None and "outside the repository" in state.note
    (tree / ".git").write_text("gitdir: ../victim/.git\n")
    assert git_state(tree).commit is None


@pytest.mark.parametrize("head", [
    "ref: refs/heads/../../../../../../etc/passwd\n", "ref: ../../outside\n", "ref: refs/heads/main\x00x\n",
    "garbage" * 10, "", "ref: " + "a" * 5000 + "\n",
])
def test_hostile_ref_names_never_become_paths(tmp_path: Path, head: str) -> None:
    (tmp_path / "outside").write_text(SHA + "\n")
    state = git_state(_repo(tmp_path / "r", head=head))
    assert state.commit is None


def test_symlinks_fifos_and_huge_files_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(SHA + "\n")
    root = _repo(tmp_path / "a")
    (root / ".git" / "refs" / "heads" / "main").symlink_to(secret)
    assert git_state(root).commit is None  # a symlinked ref leading out of the tree
    linked = _repo(tmp_path / "b")
    (linked / ".git" / "HEAD").unlink()
    (linked / ".git" / "HEAD").symlink_to(secret)
    assert git_state(linked).commit is None
    fifo = _repo(tmp_path / "c")
    os.unlink(fifo / ".git" / "HEAD")
    os.mkfifo(fifo / ".git" / "HEAD")  # reading it would block for ever
    assert git_state(fifo).note == "HEAD could not be read"
    huge = _repo(tmp_path / "d", packed=f"{SHA} refs/heads/other\n" + "x" * (17 * 1024 * 1024))
    assert git_state(huge).commit is None
    dev = tmp_path / "e"
    dev.mkdir()
    (dev / ".git").symlink_to("/dev/zero")
    assert git_state(dev).commit is None


def test_a_symlinked_refs_directory_leading_out_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "heads"
    outside.mkdir(parents=True)
    (outside / "main").write_text(SHA + "\n")
    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "refs").symlink_to(tmp_path / "outside")
    assert git_state(root).commit is None
