import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

// A WebAuthn authenticator in software, for tests: a P-256 key made with node:crypto, and the
// answers a browser would give (@simplewebauthn/browser 14's JSON) built byte by byte: clientDataJSON,
// authenticatorData and a "none" attestation object in CBOR (the few CBOR items they need, encoded here).

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest();

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
}
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;
function cbor(value: Cbor): Buffer {
  if (typeof value === "number") return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === "string") return Buffer.concat([cborHead(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), value]);
  return Buffer.concat([cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const FLAG = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 } as const;

/** What a browser puts in an answer; each may be changed to play a wrong site or a weaker authenticator. */
export interface AnswerContext {
  origin: string;
  rpId: string;
  /** The authenticator verified its user (PIN, biometrics): the UV flag. @default true */
  userVerified?: boolean;
  /** The challenge answered; @default the options' own. */
  challenge?: string;
  /** The signature counter to report; @default the authenticator's next one. */
  counter?: number;
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** The signature counter: 0 keeps it at zero (as synced passkeys do), else it rises by one per assertion. */
  counter: number;

  constructor(options: { counter?: number; synced?: boolean } = {}) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.counter = options.counter ?? 1;
    this.synced = options.synced ?? false;
  }
  readonly synced: boolean;
  /** The user handle of the passkey made (the options' `user.id`, base64url), returned with each assertion as a discoverable passkey does. */
  private userHandle: string | undefined;

  get id(): string {
    return b64url(this.credentialId);
  }

  private coseKey(): Buffer {
    const jwk = this.publicKey.export({ format: "jwk" });
    return cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, "base64url")], [-3, Buffer.from(jwk.y!, "base64url")]]));
  }

  private authData(context: AnswerContext, counter: number, attested: boolean): Buffer {
    let flags = FLAG.up | (context.userVerified === false ? 0 : FLAG.uv) | (this.synced ? FLAG.be | FLAG.bs : 0);
    if (attested) flags |= FLAG.at;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const parts: Buffer[] = [sha256(context.rpId), Buffer.from([flags]), count];
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), length, this.credentialId, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** The answer to `navigator.credentials.create` with these options (startRegistration's JSON). */
  register(options: { challenge: string; user?: { id: string } }, context: AnswerContext): string {
    const clientDataJSON = this.clientData("webauthn.create", context.challenge ?? options.challenge, context.origin);
    const authData = this.authData(context, context.counter ?? 0, true);
    const attestationObject = cbor(new Map<Cbor, Cbor>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    this.userHandle = options.user?.id;
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        authenticatorData: b64url(authData),
        transports: ["internal"],
        publicKeyAlgorithm: -7,
        publicKey: b64url(this.publicKey.export({ format: "der", type: "spki" })),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    });
  }

  /** The answer to `navigator.credentials.get` (startAuthentication's JSON), signed with this key; the counter moves on. */
  assert(options: { challenge: string }, context: AnswerContext): string {
    const counter = context.counter ?? (this.counter === 0 ? 0 : this.counter++);
    const clientDataJSON = this.clientData("webauthn.get", context.challenge ?? options.challenge, context.origin);
    const authenticatorData = this.authData(context, counter, false);
    const signature = sign("sha256", Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.privateKey);
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authenticatorData), signature: b64url(signature), userHandle: this.userHandle },
      clientExtensionResults: {},
    });
  }
}
