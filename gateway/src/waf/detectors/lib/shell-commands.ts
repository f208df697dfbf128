/**
 * Command names for command-injection detection. STRONG names are not English words: in command
 * position they are enough. WEAK names are also words ("cat", "find", "sleep"): they count only
 * when followed by shell-shaped arguments (a flag, a path, a redirection, or nothing).
 */
export const STRONG_COMMANDS = new Set([
  'whoami', 'ifconfig', 'ipconfig', 'uname', 'netstat', 'nslookup', 'wget', 'curl', 'nc', 'ncat', 'netcat', 'telnet',
  'bash', 'sh', 'zsh', 'ksh', 'csh', 'tcsh', 'dash', 'ash', 'busybox', 'powershell', 'pwsh', 'cmd', 'python', 'python2',
  'python3', 'perl', 'ruby', 'php', 'node', 'lua', 'gcc', 'cc', 'c89', 'c99', 'chmod', 'chown', 'chgrp', 'rm',
  'passwd', 'useradd', 'usermod', 'base32', 'base64', 'xxd', 'hexdump', 'nohup', 'strace', 'ltrace', 'crontab',
  'systemctl', 'ssh', 'scp', 'sftp', 'tftp', 'rsync', 'socat', 'zstdcat', 'zcat', 'bzcat', 'xzcat', 'gunzip',
  'bunzip2', 'lsof', 'ps', 'pwd', 'printenv', 'id', 'uptime', 'hostname', 'lastlog', 'sudo', 'su', 'mkfifo', 'mknod',
  'awk', 'gawk', 'xargs', 'nmap', 'iwr', 'iex', 'regedit', 'certutil', 'bitsadmin', 'wmic', 'iwmi', 'schtasks',
  'tasklist', 'taskkill', 'systeminfo', 'bcdboot', 'bcdedit', 'vssadmin', 'rundll32', 'regsvr32', 'mshta',
  'cscript', 'wscript', 'msiexec', 'net', 'netsh', 'whoami.exe', 'cmd.exe', 'powershell.exe', 'ansible',
  'ansible-playbook', 'ansible-galaxy', 'ansible-inventory', 'ansible-console', 'ansible-pull', 'ansible-vault',
  'chef-run', 'chef-client', 'chef-vault', 'chef-solo', 'knife', 'cscli', 'rmt', 'tcpdump', 'ifup', 'ifdown',
  'iptables', 'modprobe', 'insmod', 'dmesg', 'getent', 'uname -a', 'xterm', 'gdb', 'openssl', 'dig', 'host',
  'traceroute', 'tracert', 'arp', 'route', 'chattr', 'lsattr', 'setfacl', 'getfacl', 'sysctl', 'visudo', 'pkexec',
  'doas', 'runuser', 'killall', 'pkill', 'pgrep', 'shutdown', 'reboot', 'halt', 'poweroff', 'init', 'telinit',
  'aa-disable', 'aa-exec', 'apt-get', 'apt', 'yum', 'dnf', 'rpm', 'dpkg', 'pip', 'pip3', 'npm', 'gem', 'docker',
  'kubectl', 'git', 'svn', 'tar', 'unzip', 'zip', '7z', 'bzip2', 'xz', 'zstd', 'jq', 'sqlite3', 'mysql', 'psql',
  'mongo', 'redis-cli', 'env', 'sed', 'tee', 'dd', 'od', 'strings', 'nl', 'tac', 'rev', 'wc', 'md5sum',
  'sha1sum', 'sha256sum', 'cksum', 'expr', 'eval', 'exec', 'setsid', 'stdbuf', 'unbuffer', 'timeout', 'watch',
  'screen', 'tmux', 'at', 'batch', 'fold', 'comm', 'bridge', 'ip', 'ss', 'w', 'finger', 'last', 'users', 'groups',
  'lscpu', 'lsblk', 'lspci', 'lsusb', 'mount', 'umount', 'fdisk', 'mkfs', 'losetup', 'busctl', 'journalctl',
  'logger', 'lwp-download', 'lwp-request', 'GET', 'fetch', 'ftp', 'python3.10', 'python3.11', 'python3.12',
  'php7', 'php8', 'perl5', 'ruby2', 'irb', 'jrunscript', 'jshell', 'powershell_ise', 'start-process',
  'invoke-webrequest', 'invoke-expression', 'invoke-restmethod', 'new-object', 'get-wmiobject', 'get-content',
  'set-content', 'get-childitem', 'get-process', 'downloadstring', 'downloadfile', 'icacls', 'cacls', 'attrib',
  'wevtutil', 'fsutil', 'reg', 'sc', 'xcopy', 'robocopy', 'forfiles', 'diskpart', 'takeown', 'cipher',
]);

/** Command names that are also everyday words; moved to the weak list so prose after `;` passes. */
const ENGLISH_LIKE = ['at', 'batch', 'w', 'host', 'last', 'users', 'groups', 'reg', 'sc', 'init', 'route', 'dig', 'watch',
  'fetch', 'get', 'screen', 'fold', 'bridge', 'comm', 'rev', 'tee', 'nl', 'od', 'strings', 'mount', 'halt', 'knife', 'net',
  'ip', 'ss', 'git', 'tar', 'zip', 'env', 'apt', 'gem', 'shutdown', 'reboot', 'timeout', 'finger', 'attrib', 'cipher',
  'node', 'php', 'python', 'ruby', 'perl', 'lua', 'eval', 'exec', 'expr', 'logger', 'init', 'cc', 'su', 'ps', 'id',
  'dd', 'xz', 'jq', 'docker', 'npm', 'pip', 'mysql', 'mongo', 'ftp', 'rm', 'sh', 'ash', 'dash', 'arp', 'wc', 'tac',
  'sed', 'ssh', 'rpm', 'yum', 'dnf', 'unzip', 'zstd', 'openssl', 'xterm', 'knife'];
for (const w of ENGLISH_LIKE) STRONG_COMMANDS.delete(w);

export const WEAK_COMMANDS = new Set([...ENGLISH_LIKE,
  'cat', 'ls', 'dir', 'echo', 'find', 'sort', 'more', 'less', 'head', 'tail', 'kill', 'time', 'type', 'sleep',
  'ping', 'which', 'who', 'file', 'diff', 'cut', 'grep', 'egrep', 'fgrep', 'printf', 'set', 'alias', 'trap', 'cd',
  'cp', 'mv', 'touch', 'mkdir', 'rmdir', 'install', 'make', 'top', 'nice', 'history', 'source', 'export', 'unset',
  'read', 'test', 'true', 'false', 'wait', 'jobs', 'bg', 'fg', 'disown', 'umask', 'ulimit', 'tr', 'paste', 'join',
  'split', 'shred', 'locate', 'whereis', 'man', 'info', 'uniq', 'look', 'date', 'cal', 'bc', 'yes', 'seq', 'ln',
  'link', 'unlink', 'du', 'df', 'free', 'chroot', 'copy', 'del', 'erase', 'move', 'ren', 'rename', 'start', 'call',
  'goto', 'pushd', 'popd', 'tree', 'ver', 'vol', 'whoami', 'print', 'open', 'view', 'edit', 'vi', 'vim', 'nano',
  'emacs', 'ed', 'ex', 'pico', 'run', 'exit', 'logout', 'shift', 'type', 'command', 'builtin', 'let', 'local',
  'declare', 'typeset', 'readonly', 'getopts', 'hash', 'cal', 'script', 'wall', 'write', 'mail', 'mailx', 'sendmail',
]);

/**
 * Commands whose names mean nothing else (no English word, product name or person's name): a value
 * that starts with one, lower case, followed by arguments of any shape is a command line.
 */
export const DISTINCT_COMMANDS = new Set([
  'whoami', 'ifconfig', 'ipconfig', 'uname', 'netstat', 'nslookup', 'cscli', 'visudo', 'crontab', 'systemctl', 'useradd',
  'usermod', 'chmod', 'chown', 'chgrp', 'mkfifo', 'xxd', 'nohup', 'strace', 'ltrace', 'tcpdump', 'iptables', 'certutil',
  'bitsadmin', 'wmic', 'schtasks', 'tasklist', 'systeminfo', 'rundll32', 'regsvr32', 'mshta', 'msiexec', 'pkexec',
  'journalctl', 'busctl', 'lsof', 'printenv', 'netcat', 'ncat', 'socat', 'nmap', 'htop', 'aptitude', 'bsdtar', 'cpulimit',
  'lastlogin', 'lastlog', 'modprobe', 'insmod', 'dmesg', 'getent', 'sysctl', 'setfacl', 'getfacl', 'chattr', 'lsattr',
  'vssadmin', 'bcdedit', 'bcdboot', 'wevtutil', 'fsutil', 'icacls', 'takeown', 'robocopy', 'forfiles', 'hexdump',
  'base64', 'base32', 'md5sum', 'sha1sum', 'sha256sum', 'gunzip', 'bunzip2', 'zcat', 'bzcat', 'xzcat', 'zstdcat',
  'redis-cli', 'sqlite3', 'kubectl', 'apt-get', 'python2', 'python3', 'php7', 'php8', 'perl5', 'jrunscript', 'jshell',
  'lwp-download', 'lwp-request', 'rmt-tar', 'rmt-dump', 'aa-exec', 'aa-disable', 'ansible', 'ansible-config',
  'ansible-doc', 'ansible-playbook', 'ansible-galaxy', 'ansible-inventory', 'ansible-console', 'ansible-pull',
  'ansible-vault', 'chef-shell', 'chef-run', 'chef-client', 'chef-solo', 'chef-vault', 'python3.10', 'python3.11', 'python3.12',
]);
for (const w of DISTINCT_COMMANDS) if (!WEAK_COMMANDS.has(w)) STRONG_COMMANDS.add(w);
for (const w of ['perf', 'column', 'flock']) WEAK_COMMANDS.add(w);

/** Words that run the next word as a command: `sudo id`, `time; …`, `nohup ifconfig`. */
export const COMMAND_PREFIXES = new Set(['sudo', 'time', 'nohup', 'env', 'exec', 'nice', 'strace', 'ltrace', 'timeout', 'command', 'builtin', 'busybox', 'doas', 'xargs', 'stdbuf', 'setsid', 'unbuffer', 'watch', 'eval']);
