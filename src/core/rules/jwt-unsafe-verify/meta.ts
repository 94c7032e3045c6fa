import { defineRule } from '../rule';

export default defineRule({
  id: 'jwt-unsafe-verify',
  title: 'JWT signature not verified safely',
  severity: 'high',
  category: 'authn',
  cwe: 'CWE-347',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'Semgrep jwt-none-alg, jwt-decode-without-verify; CodeQL js/jwt-missing-verification',
  description: "JWT verification that accepts 'none', turns signature checks off, lets the token pick the algorithm with a public key, or trusts decoded claims that nothing verifies.",
  messages: {
    acceptsNone: { title: "JWT verification accepts alg 'none'", text: "The accepted algorithms include 'none': an unsigned token with any claims passes verification. List only the algorithm you sign with." },
    signsNone: { title: "JWT signed with alg 'none'", text: "Tokens signed with 'none' carry no signature: anyone can forge them, and a verifier that accepts them accepts anything." },
    noAlgorithms: {
      title: 'JWT verified without a fixed algorithm list',
      text: '{{call}}() is called without {{option}} and the key is {{key}}, so the token header chooses the algorithm: an attacker can sign an HS256 token with the public key as the HMAC secret (algorithm confusion). Pin the algorithm(s) you issue.',
    },
    ignoreExpiration: { title: 'JWT expiry ignored', text: 'ignoreExpiration: true accepts expired tokens forever: a leaked token never stops working.' },
    decodeOnly: {
      title: 'JWT decoded but never verified',
      text: '{{call}}() only base64-decodes the token and its claims {{use}}; nothing {{where}} verifies the signature, so the user id or role can be forged. Verify the token (with a fixed algorithm list) and trust only the verified claims.',
    },
    verifyOff: { title: 'JWT decoded with signature verification off', text: '{{how}}: any forged token (edited user id or role) is accepted. Verify with the key and an explicit algorithms list.' },
    unverifiedClaims: { title: 'JWT claims read without verification', text: '{{call}}() returns claims without checking the signature and nothing in this file verifies the token. Use jwt.decode(token, key, algorithms=[...]).' },
    goUnverified: { title: 'JWT parsed without verification', text: 'ParseUnverified does not check the signature: claims can be forged. Use jwt.Parse with a key function that checks the signing method, or WithValidMethods.' },
    goMethodUnchecked: {
      title: 'JWT signing method not checked',
      text: 'The key function returns {{key}} without checking token.Method, so the token header picks the algorithm (HMAC with the public key as the secret). Check the method type in the key function or pass jwt.WithValidMethods([]string{"RS256"}).',
    },
  },
});
