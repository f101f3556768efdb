# canhgac: the README's commands. Each target installs what is missing
# (scripts/setup-deps.sh, idempotent) and then does its job.
#
#   make run       install, build, seed the demo province into ./canhgac-data
#                  (only when it holds no inventory yet) and serve the
#                  dashboard on http://127.0.0.1:8080/ (Ctrl-C stops it)
#   make test      install, build (normal + ASan/UBSan), run every test
#   make           build build/canhgac
#   make asan      ASan+UBSan build in build-asan/
#   make fuzz      libFuzzer build in build-fuzz/ (clang)
#   make fuzz-run FUZZ=fuzz_config SECONDS=60
#   make format    clang-format the C sources
#   make deb       Debian packages in build/deb/ (docs/packaging.md)
#   make windows   build-win/canhgac.exe, cross-built (docs/windows.md)
#   make windows-test  the Windows build's tests under Wine
.PHONY: all deps build asan fuzz fuzz-run run test format clean deb windows windows-test

all: build

deps:
	@scripts/setup-deps.sh

build: deps
	@[ -f build/build.ninja ] || meson setup build
	ninja -C build

asan: deps
	@[ -f build-asan/build.ninja ] || meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined
	ninja -C build-asan

fuzz: deps
	@[ -f build-fuzz/build.ninja ] || meson setup build-fuzz --native-file scripts/clang.ini \
		-Dfuzz=true -Db_sanitize=address,undefined
	ninja -C build-fuzz

FUZZ ?= fuzz_config
SECONDS ?= 60
fuzz-run: fuzz
	scripts/fuzz-run.sh $(FUZZ) $(SECONDS)

DATA ?= canhgac-data
LISTEN ?= 127.0.0.1:8080
# The demo province's portals carry the province's real addresses: the demo
# does not watch them unless asked (make run WEB_INTERVAL=300).
WEB_INTERVAL ?= 0
# Nor does it scan them for exposures (on by default in serve: every 183
# days, 30 from level 3; make run EXPOSURE_INTERVAL=183 to turn it on).
EXPOSURE_INTERVAL ?= 0
run: build
	@build/canhgac demo seed --if-empty --data-dir $(DATA)
	@echo "Dashboard: http://$(LISTEN)/"
	@exec build/canhgac serve --no-tls --data-dir $(DATA) --listen $(LISTEN) \
		--web-interval $(WEB_INTERVAL) --exposure-interval $(EXPOSURE_INTERVAL)

test: deps
	tests/run.sh

windows:
	@scripts/win-build.sh

windows-test:
	@scripts/win-build.sh test

deb: deps
	@scripts/make-deb.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz build-win
