# Sourced by ci-prereqs.sh and test-prereqs.sh: install_missing NAME_OF_MAP [apt-get option...] installs,
# with apt-get, the packages of an associative array (package -> the command it provides, or an absolute
# path of a file it installs) whose command or file is missing; quiet when everything is there. apt-get update runs at most once per shell.
updated=false
install_missing() {
  local -n commands=$1
  shift
  local missing=() package
  for package in "${!commands[@]}"; do
    if [[ ${commands[$package]} == /* ]]; then
      [[ -e ${commands[$package]} ]] || missing+=("$package")
    else
      command -v "${commands[$package]}" >/dev/null 2>&1 || missing+=("$package")
    fi
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    $updated || apt-get update -qq
    updated=true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "${missing[@]}" >/dev/null
  fi
}
