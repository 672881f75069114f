# Two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install migrate seed lint format messages compilemessages vendor clean check-deploy

run: install migrate seed  ## Set everything up and serve the portal with demo data.
	@echo "Serving the CoP Portal at http://$(HOST):$(PORT)/ (demo logins in README.md)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install node_modules/.installed  ## Run the whole test suite (on DATABASE_URL/REDIS_URL when set).
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# The lock file pins every package with its hashes; --no-deps installs exactly those.
$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser accessibility tests need axe-core from npm"; fi

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	$(BIN)/python -m cop_portal.lint_templates

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Translators: refresh the catalogues, edit locale/*/LC_MESSAGES/*.po, then compile.
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=benchmarks
	$(BIN)/python manage.py makemessages --all -d djangojs --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor

# The compiled .mo files are committed so `make run` needs no gettext; this rebuilds them.
compilemessages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Copy the front-end packages installed from npm into static/vendor (committed).
vendor: node_modules/.installed
	mkdir -p static/vendor/bootstrap
	# Only the stylesheets: no page uses Bootstrap's JavaScript (menus are <details>, see static/js/portal.js).
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.rtl.min.css \
	   node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	# The source maps stay out of the repository, so drop the comments naming them: the manifest
	# storage of the production settings would fail collectstatic looking for the .map files.
	sed -i '/^\/[*\/]# sourceMappingURL=/d' static/vendor/bootstrap/*.min.css

check-deploy: install
	DJANGO_SETTINGS_MODULE=cop_portal.settings.production SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(64))") \
	ALLOWED_HOSTS=cop.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
