/** Browser event handler attribute names (the ones XSS payload lists use, plus the common ones). */
export const EVENT_HANDLERS = new Set([
  'onabort', 'onactivate', 'onafterprint', 'onanimationend', 'onanimationiteration', 'onanimationstart',
  'onauxclick', 'onbeforecopy', 'onbeforecut', 'onbeforeinput', 'onbeforepaste', 'onbeforeprint',
  'onbeforeunload', 'onbegin', 'onblur', 'oncanplay', 'oncanplaythrough', 'onchange', 'onclick', 'onclose',
  'oncontextmenu', 'oncopy', 'oncuechange', 'oncut', 'ondblclick', 'ondrag', 'ondragend', 'ondragenter',
  'ondragleave', 'ondragover', 'ondragstart', 'ondrop', 'ondurationchange', 'onend', 'onended', 'onerror',
  'onfocus', 'onfocusin', 'onfocusout', 'onformdata', 'onfullscreenchange', 'onhashchange', 'oninput',
  'oninvalid', 'onkeydown', 'onkeypress', 'onkeyup', 'onload', 'onloadeddata', 'onloadedmetadata',
  'onloadstart', 'onmessage', 'onmousedown', 'onmouseenter', 'onmouseleave', 'onmousemove', 'onmouseout',
  'onmouseover', 'onmouseup', 'onmousewheel', 'onoffline', 'ononline', 'onpagehide', 'onpageshow', 'onpaste',
  'onpause', 'onplay', 'onplaying', 'onpointerdown', 'onpointerenter', 'onpointerleave', 'onpointermove',
  'onpointerout', 'onpointerover', 'onpointerup', 'onpopstate', 'onprogress', 'onratechange', 'onreadystatechange',
  'onrepeat', 'onreset', 'onresize', 'onscroll', 'onscrollend', 'onsearch', 'onseeked', 'onseeking', 'onselect',
  'onselectionchange', 'onselectstart', 'onshow', 'onstart', 'onstorage', 'onsubmit', 'onsuspend',
  'ontimeupdate', 'ontoggle', 'ontouchend', 'ontouchmove', 'ontouchstart', 'ontransitionend', 'onunload',
  'onvolumechange', 'onwaiting', 'onwheel', 'onzoom', 'onfinish', 'onbounce', 'onmozfullscreenchange',
  'onwebkitanimationend', 'onwebkittransitionend', 'onwebkitplaybacktargetavailabilitychanged', 'onbeforetoggle',
  'oncommand', 'onsecuritypolicyviolation', 'onslotchange', 'onpointerrawupdate', 'oncontentvisibilityautostatechange',
]);

/** Tags that execute or load code, or rewrite the page, whatever their attributes. */
export const DANGEROUS_TAGS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link', 'style', 'svg',
  'math', 'import', 'vmlframe', 'isindex', 'bgsound', 'layer', 'ilayer', 'portal', 'xss', 'handler', 'listener',
  'animate', 'set', 'template', 'form', 'entity', 'doctype',
]);

/** URI schemes that run script when navigated to. */
export const SCRIPT_SCHEMES = ['javascript:', 'vbscript:', 'livescript:', 'data:text/html', 'data:image/svg', 'data:application/x', 'data:text/xml', 'data:,'];

/** Call sinks: name(…) where the argument start makes it code rather than prose. */
export const CALL_SINKS = [
  'alert', 'prompt', 'confirm', 'eval', 'atob', 'btoa', 'settimeout', 'setinterval', 'string.fromcharcode',
  'globaleval', 'execscript', 'document.write', 'document.writeln', 'import', 'fetch',
];

/** Property sinks that only appear in script. */
export const PROPERTY_SINKS = [
  'document.cookie', 'document.domain', 'document.location', 'window.location', 'document.write',
  'location.href', 'innerhtml', 'outerhtml', 'document.body', 'localstorage.', 'sessionstorage.',
  'document.queryselector', 'document.getelementby', 'window.open', '.sort.call`', '.map.call`', '.apply.call`',
  '.call`', 'top.location', 'self.location', 'parent.location', 'document[', 'window[', 'self[', 'top[', 'parent[',
  'frames[', 'globalthis[', 'newfunction(', 'document)[', 'window)[', '${alert', '${eval', '${prompt', '${confirm',
];
