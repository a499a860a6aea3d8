# Shared by the scripts in this folder (source it; it runs nothing by itself).

# The Debian packages every build of crisis-sim needs. Scripts that need more add to it.
crisis_build_packages=(
  cmake ninja-build g++ pkg-config
  libeigen3-dev libtbb-dev libyaml-cpp-dev libpcg-cpp-dev doctest-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libsqlite3-dev libcsv-dev
  libboost-dev
  libxlsxwriter-dev zlib1g-dev
)
# tests/export_test.cpp opens the --xlsx workbooks with openpyxl, as a spreadsheet user's tools would.
crisis_build_packages+=(python3-openpyxl)

# The Python module crisis_sim and the notebooks (docs/python.md), for Debian's /usr/bin/python3.
crisis_python_packages=(
  python3-dev pybind11-dev python3-pandas python3-matplotlib python3-nbclient python3-ipykernel
  python3-venv python3-pip
)

# ensure_packages TAG PACKAGE...: install the packages that are not installed yet
# (apt-get update first; sudo when not root). Idempotent: does nothing when all are there.
ensure_packages() {
  local tag="$1"
  shift
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "$tag: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# crisis-sim report inlines plotly.js from python3-plotly; its test (ctest report_browser)
# opens the reports in headless chromium, driven through python3-websocket.
crisis_build_packages+=(python3-plotly chromium python3-websocket)

# Open MPI for `crisis-sim sweep` under mpirun, and sqlite3 to compare the databases
# (scripts/mpi_check.sh). `bootstrap.sh test` builds its tree with MPI, so CI's MPI check
# reuses that tree instead of building the library again.
crisis_mpi_packages=(openmpi-bin libopenmpi-dev sqlite3)

# clang 14 (Debian 12's), libFuzzer and clang's sanitizer runtimes (libclang-rt-14-dev ships
# libclang_rt.fuzzer-x86_64.a) and llvm-symbolizer (llvm-14) for readable traces.
crisis_clang_packages=(clang-14 libclang-rt-14-dev llvm-14)

# configure_clang_asan FOLDER: configure the one clang tree that serves both the ASan+UBSan
# test run (scripts/sanitize.sh asan) and the libFuzzer targets (scripts/fuzz.sh), so CI
# builds the library once for both. -O1 with line tables only (-g1): the tests' simulations
# run in minutes and every trace has file:line. _GLIBCXX_ASSERTIONS adds bounds checks to
# std::vector::operator[] and friends: ASan misses an index past size() but within
# capacity(). UBSan stops at its first report. Coverage instrumentation for the fuzzers
# (-fsanitize=fuzzer-no-link, CMakeLists.txt) is in every object; only fuzz_* link libFuzzer.
configure_clang_asan() {
  cmake -S "$root" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCRISIS_WARNINGS_AS_ERRORS=ON -DCRISIS_SANITIZE=address,undefined -DCRISIS_BUILD_FUZZERS=ON \
    -DCMAKE_CXX_FLAGS="-O1 -g1 -D_GLIBCXX_ASSERTIONS -fno-sanitize-recover=all"
}
