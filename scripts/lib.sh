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
