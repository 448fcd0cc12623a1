# tools/xvfb.sh: gives the studio's tests a display. Sourced by tools/test
# and tools/bench: without DISPLAY, starts Xvfb on a free display number
# and stops it when the calling script exits.
ms_ensure_display () {
  [ -n "${DISPLAY:-}" ] && return 0
  command -v Xvfb >/dev/null || return 1
  local n
  for n in $(seq 90 140); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
    Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp -noreset >/dev/null 2>&1 &
    MS_XVFB_PID=$!
    for _ in $(seq 1 50); do
      [ -e "/tmp/.X11-unix/X$n" ] && break
      sleep 0.1
    done
    if kill -0 "$MS_XVFB_PID" 2>/dev/null; then
      export DISPLAY=":$n"
      trap 'kill "$MS_XVFB_PID" 2>/dev/null' EXIT
      return 0
    fi
  done
  return 1
}
