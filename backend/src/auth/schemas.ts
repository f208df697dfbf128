import { z } from 'zod';

/**
 * Request bodies of the auth API, shared by the JSON routes and the HTML forms. Every object is
 * strict: an unknown field is a 400 naming it.
 */

/** RFC 5321 caps a forward path at 256 octets; 254 is the usable address length. */
export const EMAIL_MAX = 254;
/**
 * NIST SP 800-63B: at least 8 characters, allow long passphrases and every character. We ask for 10
 * and stop at 200 so a hash request cannot be used to burn CPU on megabyte passwords.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const NAME_MAX = 120;

/** Counted in code points so an emoji is one character, as a person counts it. */
const codePoints = (s: string) => [...s].length;

/** Trimmed and lower-cased; the length cap runs before the format check so the regex only sees short input. */
export const Email = z
  .string()
  .trim()
  .max(EMAIL_MAX, `must be at most ${EMAIL_MAX} characters`)
  .toLowerCase()
  .pipe(z.email('must be an email address'));

const NewPassword = z
  .string()
  .refine((s) => codePoints(s) >= PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .refine((s) => codePoints(s) <= PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

/** Login does not re-check the policy (old accounts may predate it), only the upper bound. */
const AnyPassword = z
  .string()
  .min(1, 'is required')
  .refine((s) => codePoints(s) <= PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

/** Any printable name (O'Brien, 李小龍, Zoë-Anne); control characters are refused. */
const Name = z
  .string()
  .trim()
  .min(1, 'is required')
  .refine((s) => codePoints(s) <= NAME_MAX, `must be at most ${NAME_MAX} characters`)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const SignupBody = z.strictObject({ email: Email, password: NewPassword, name: Name });
export const LoginBody = z.strictObject({ email: Email, password: AnyPassword });

/** 32 random bytes in base64url are 43 characters; anything else cannot be ours. */
export const OpaqueToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a valid token');

export const RefreshBody = z.strictObject({ refresh_token: OpaqueToken.optional() });
export const ResetRequestBody = z.strictObject({ email: Email });
export const ResetConfirmBody = z.strictObject({ token: OpaqueToken, password: NewPassword });
