# Sourced by the shims: records the call (name and arguments, one line) in the run's call log.
printf '%s\n' "$(basename "$0") $*" >>"${GMSA_STUB_CALLS:?shims run only under Invoke-Document}"
host="${GMSA_STUB_HOST:?}"
not_modelled() {
  echo "stub $(basename "$0"): not modelled: $*" >&2
  exit 2
}
