// `npm run oauth:key`: prints a new private EC P-256 JWK for OAUTH_SIGNING_KEY (the access tokens'
// ES256 key). Without that setting the portal derives its key from AUTH_SECRET.
import { generateKeyPairSync, randomUUID } from "node:crypto";

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
console.log(JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "ES256", use: "sig" }));
