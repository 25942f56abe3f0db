# Every target installs what it needs into .venv, so a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean shells install-kubectl-link uninstall-kubectl-link

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "pykubectl needs Python 3.11+"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' --config-settings editable_mode=compat
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m pykubectl.testing.demo

test: $(STAMP) shells
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 3 --dist loadfile
	$(BIN)/lint-imports

lint: $(STAMP)
	$(BIN)/ruff check pykubectl tests bench
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/server_load.py
	$(BIN)/python bench/completion.py

clean:
	rm -rf $(VENV) build *.egg-info

# The completion tests drive real zsh and bash (with bash-completion); CI runs as root on a Debian image.
shells:
	@command -v zsh >/dev/null || apt-get install -y -q zsh || (apt-get update -q && apt-get install -y -q zsh)
	@test -f /usr/share/bash-completion/bash_completion || apt-get install -y -q bash-completion \
		|| (apt-get update -q && apt-get install -y -q bash-completion)

# Opt-in: a `kubectl` link to pykubectl in DIR (default ~/.local/bin); never replaces a real kubectl without FORCE=1.
DIR ?= $(HOME)/.local/bin
install-kubectl-link: $(STAMP)
	$(BIN)/python -m pykubectl.cli.install_kubectl_alias --dir '$(DIR)' $(if $(FORCE),--force)

uninstall-kubectl-link: $(STAMP)
	$(BIN)/python -m pykubectl.cli.install_kubectl_alias --dir '$(DIR)' --uninstall
