import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI } from "@oslojs/otp";
import { renderSVG } from "uqr";
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "./authenticator-code";

/** RFC 4226 asks for at least 128 bits and recommends 160: 20 bytes, what the apps expect of SHA-1. */
export const AUTHENTICATOR_SECRET_BYTES = 20;

// Its own HKDF info: the SMS codes' HMAC key, derived from the same `secret`, never opens these.
const KEY_INFO = "connect-2fa/authenticator-secret-key";
const FORMAT = "v1";
const IV_BYTES = 12;

/** The AES-256-GCM key of the secrets at rest, from the plugin's `secret` option (HKDF-SHA256). */
export function authenticatorSecretKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), KEY_INFO, 32));
}

export function newAuthenticatorSecret(): Uint8Array {
  return new Uint8Array(randomBytes(AUTHENTICATOR_SECRET_BYTES));
}

// The user's id is the associated data: a ciphertext copied to another user's row does not open.
const associatedData = (userId: string) => Buffer.from(`authenticator_apps:${userId}`);

/** "v1.<iv>.<ciphertext>.<tag>", base64url: what the row keeps instead of the secret. */
export function sealAuthenticatorSecret(key: Buffer, userId: string, secret: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(associatedData(userId));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return [FORMAT, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

/** The secret, or null when it does not open: another key, another user's row, or an altered value. */
export function openAuthenticatorSecret(key: Buffer, userId: string, sealed: string): Uint8Array | null {
  const [format, iv, ciphertext, tag, ...rest] = sealed.split(".");
  if (format !== FORMAT || !iv || !ciphertext || !tag || rest.length > 0) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
    decipher.setAAD(associatedData(userId));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]));
  } catch {
    return null;
  }
}

export interface AuthenticatorEnrolment {
  /** The secret as the apps take it typed in: RFC 4648 base32, upper case, no padding (32 characters). */
  secret: string;
  /** otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30 */
  uri: string;
  /** The URI as a QR code, an SVG document. */
  qrSvg: string;
}

/** What the setup page shows: the secret as text, its otpauth:// URI and the URI's QR code. */
export function authenticatorEnrolment(secret: Uint8Array, issuer: string, accountName: string): AuthenticatorEnrolment {
  const uri = createTOTPKeyURI(issuer, accountName, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  return { secret: encodeBase32UpperCaseNoPadding(secret), uri, qrSvg: renderSVG(uri, { border: 2 }) };
}
