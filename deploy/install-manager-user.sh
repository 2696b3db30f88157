#!/bin/sh
# Adds Asterisk Watchdog's AMI user to Asterisk without touching any other user:
#   - writes manager.d/<user>.conf (the [<user>] section only, never a second [general]: Asterisk reads the
#     first [general] of manager.conf and ignores any other),
#   - makes the first [general] of manager.conf say enabled = yes and bindaddr = 127.0.0.1 (the lines it had are
#     kept as comments; --keep-bindaddr leaves bindaddr alone),
#   - appends "#include manager.d/<user>.conf" unless manager.conf already includes it (or manager.d/*.conf).
# Idempotent: running it again changes nothing but the secret. manager.conf is backed up once to
# manager.conf.before-watchdog. Then: asterisk -rx "manager reload"   (and: watchdog doctor)
#
# usage: install-manager-user.sh [--asterisk-dir DIR] [--user NAME] [--secret-file FILE] [--keep-bindaddr]
#   --asterisk-dir  Asterisk's configuration directory (default /etc/asterisk)
#   --user          the manager user, = Ami:Username in watchdog.json (default watchdog)
#   --secret-file   a file holding the secret, = Ami:SecretFile in watchdog.json (default /etc/watchdog/ami.secret)
#
# The permissions are the least the agent needs (each is what Asterisk requires of an action the agent sends;
# `watchdog doctor` checks the same list):
#   read  = system    Registry, ContactStatus, FullyBooted, Reload: registration and reachability state
#   read  = call      Newchannel, Hangup: channels per trunk, RTP time-out hang-ups
#   read  = security  InvalidPassword, ChallengeResponseFailed …: SIP brute force to ban
#   write = system    PJSIPRegister, ModuleLoad, CoreStatus/CoreSettings, CoreShowChannels, PJSIPShow* lists
#   write = command   Command: 'pjsip set logger' for SIP evidence, 'core restart when convenient'
# Never granted: originate, call, config, dialplan, agent, user (a leaked secret must not place calls or
# rewrite Asterisk's configuration).
set -eu

dir=/etc/asterisk
user=watchdog
secret_file=/etc/watchdog/ami.secret
keep_bindaddr=no

fail() { echo "install-manager-user: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --asterisk-dir) [ $# -ge 2 ] || fail "--asterisk-dir needs a directory"; dir=$2; shift 2 ;;
        --user) [ $# -ge 2 ] || fail "--user needs a name"; user=$2; shift 2 ;;
        --secret-file) [ $# -ge 2 ] || fail "--secret-file needs a file"; secret_file=$2; shift 2 ;;
        --keep-bindaddr) keep_bindaddr=yes; shift ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument '$1' (see --help)" ;;
    esac
done

case "$user" in
    ''|*[!A-Za-z0-9_.-]*|general) fail "'$user' cannot be a manager.conf section name" ;;
esac
[ -d "$dir" ] || fail "$dir is not a directory (is Asterisk installed? use --asterisk-dir)"
[ -r "$secret_file" ] || fail "$secret_file cannot be read; create it first: openssl rand -base64 24 > $secret_file && chmod 0600 $secret_file"
secret=$(head -n 1 "$secret_file" | tr -d '\r\n')
[ -n "$secret" ] || fail "$secret_file is empty"
case "$secret" in
    *';'*|*'"'*|*'\'*) fail "the secret in $secret_file contains ; \" or \\ which manager.conf cannot hold; generate one with openssl rand -base64 24" ;;
esac

manager="$dir/manager.conf"
include="manager.d/$user.conf"
if [ -f "$manager" ] && grep -Eq "^[[:space:]]*\[$user\]" "$manager"; then
    fail "$manager already has a [$user] section (line $(grep -En "^[[:space:]]*\[$user\]" "$manager" | head -n 1 | cut -d: -f1)): delete it first, this script puts the user in $dir/$include"
fi

umask 027
mkdir -p "$dir/manager.d"
tmp="$dir/$include.tmp.$$"
cat > "$tmp" <<EOF
; Asterisk Watchdog's AMI user, written by install-manager-user.sh and included from manager.conf.
; The secret is the one in $secret_file (Ami:SecretFile). Check with: watchdog doctor
[$user]
secret = $secret
; Refuse this user from anywhere but loopback, even if bindaddr is ever widened.
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = system,call,security
write = system,command
writetimeout = 1000
EOF
chmod 0640 "$tmp"
if [ "$(id -u)" = 0 ] && getent group asterisk >/dev/null 2>&1; then
    chgrp asterisk "$tmp"
fi
mv -f "$tmp" "$dir/$include"
echo "wrote $dir/$include ([$user], read=system,call,security, write=system,command)"

if [ ! -f "$manager" ]; then
    printf '[general]\nenabled = yes\nbindaddr = 127.0.0.1\nport = 5038\n\n#include %s\n' "$include" > "$manager"
    echo "created $manager with [general] enabled = yes, bindaddr = 127.0.0.1 and #include $include"
    exit 0
fi

[ -f "$manager.before-watchdog" ] || cp -p "$manager" "$manager.before-watchdog"

# The first [general] only: that is the one Asterisk reads. Lines it had for enabled/bindaddr become comments.
awk -v keep="$keep_bindaddr" '
    function settings() {
        print "enabled = yes ; set by install-manager-user.sh"
        if (keep != "yes") print "bindaddr = 127.0.0.1 ; set by install-manager-user.sh"
    }
    /^[ \t]*\[/ { ingeneral = 0 }
    /^[ \t]*\[general\]/ && !done { print; settings(); ingeneral = 1; done = 1; next }
    ingeneral && /^[ \t]*(enabled|bindaddr)[ \t]*=/ {
        if ($0 ~ /set by install-manager-user\.sh/) next
        if ($0 ~ /^[ \t]*bindaddr/ && keep == "yes") { print; next }
        print ";watchdog-was: " $0
        next
    }
    { print }
    END { if (!done) exit 3 }
' "$manager" > "$manager.tmp.$$" || status=$?
if [ "${status:-0}" = 3 ]; then
    { printf '[general]\nenabled = yes ; set by install-manager-user.sh\n'
      [ "$keep_bindaddr" = yes ] || printf 'bindaddr = 127.0.0.1 ; set by install-manager-user.sh\n'
      printf '\n'; cat "$manager"; } > "$manager.tmp.$$"
elif [ "${status:-0}" != 0 ]; then
    rm -f "$manager.tmp.$$"; fail "could not rewrite $manager"
fi

if ! grep -Eq "^[[:space:]]*#(try)?include[[:space:]]+[\"<]?(manager\.d/\*\.conf|$include)[\">]?[[:space:]]*$" "$manager.tmp.$$"; then
    printf '\n; Asterisk Watchdog (install-manager-user.sh)\n#include %s\n' "$include" >> "$manager.tmp.$$"
fi
cat "$manager.tmp.$$" > "$manager"
rm -f "$manager.tmp.$$"
echo "updated $manager: first [general] has enabled = yes$([ "$keep_bindaddr" = yes ] || echo ', bindaddr = 127.0.0.1'); it includes $include (backup: $manager.before-watchdog)"
echo "now: asterisk -rx \"manager reload\" && watchdog doctor"
