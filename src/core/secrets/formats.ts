/**
 * Credential formats recognisable on their own, whatever the variable is called: provider token
 * prefixes and shapes (coverage anchored on gitleaks' rules and GitHub secret scanning's provider
 * list), plus keyword-context formats (a 32-hex value on a line that names Twilio).
 *
 * Every pattern runs in linear time: each starts with a literal or a word boundary and uses only
 * bounded quantifiers, so a match attempt costs at most a constant; the redactor also cuts overlong
 * lines (see redaction.ts). The fuzz bench times each pattern on adversarial input.
 */

export interface TokenFormat {
  /** What the user reads in notes: "GitHub token", "Twilio auth token". */
  kind: string;
  /** Global regex; the secret is capture group `group` (default 0). */
  re: RegExp;
  group?: number;
  /** The line (lower-cased) must contain one of these words: keyword-context formats. */
  keywords?: string[];
  /** Extra check on the captured value. */
  accept?: (value: string) => boolean;
}

const B = String.raw`(?<![A-Za-z0-9_])`; // start: not inside a longer token
const E = String.raw`(?![A-Za-z0-9_])`; // end: not followed by more token characters
const re = (source: string, flags = 'g'): RegExp => new RegExp(source, flags);
const notExample = (v: string): boolean => !/EXAMPLE|XXXXXXXX|xxxxxxxx|0{16}|1234567890abcdef1234/.test(v);

/** Formats with a distinctive prefix or shape. */
export const TOKEN_FORMATS: readonly TokenFormat[] = [
  // AI providers
  { kind: 'Anthropic API key', re: re(String.raw`${B}sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,160}`) },
  { kind: 'OpenAI API key', re: re(String.raw`${B}sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,200}`), accept: (v) => !/^sk-ant-/.test(v) && /\d/.test(v) },
  { kind: 'Groq API key', re: re(String.raw`${B}gsk_[A-Za-z0-9]{48,56}${E}`) },
  { kind: 'Hugging Face token', re: re(String.raw`${B}hf_[A-Za-z0-9]{30,40}${E}`) },
  { kind: 'Replicate API token', re: re(String.raw`${B}r8_[A-Za-z0-9]{37}${E}`) },
  { kind: 'Perplexity API key', re: re(String.raw`${B}pplx-[A-Za-z0-9]{48}${E}`) },
  { kind: 'xAI API key', re: re(String.raw`${B}xai-[A-Za-z0-9]{70,90}${E}`) },
  // Source hosting and package registries
  { kind: 'GitHub token', re: re(String.raw`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})${E}`) },
  { kind: 'GitLab token', re: re(String.raw`${B}(?:glpat|gldt|glrt|glsoat|glcbt|glptt|glft|glimt|glagent|gloas)-[A-Za-z0-9_-]{20,64}${E}`) },
  { kind: 'Bitbucket app password', re: re(String.raw`${B}ATBB[A-Za-z0-9_=.-]{28,64}${E}`) },
  { kind: 'npm token', re: re(String.raw`${B}npm_[A-Za-z0-9]{36}${E}`) },
  { kind: 'PyPI token', re: re(String.raw`${B}pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}`) },
  { kind: 'NuGet API key', re: re(String.raw`${B}oy2[a-z0-9]{43}${E}`) },
  { kind: 'RubyGems API key', re: re(String.raw`${B}rubygems_[a-f0-9]{48}${E}`) },
  { kind: 'Docker Hub token', re: re(String.raw`${B}dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40}${E}`) },
  { kind: 'Terraform Cloud token', re: re(String.raw`${B}[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}${E}`) },
  { kind: 'Atlassian API token', re: re(String.raw`${B}ATATT3[A-Za-z0-9_=-]{180,200}${E}`) },
  { kind: 'Postman API key', re: re(String.raw`${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`) },
  { kind: 'Sentry token', re: re(String.raw`${B}(?:sntrys_eyJ[A-Za-z0-9+/=_-]{60,400}|sntryu_[a-f0-9]{64})`) },
  // Cloud
  { kind: 'AWS access key id', re: re(String.raw`${B}(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}${E}`) },
  { kind: 'Google API key', re: re(String.raw`${B}AIza[0-9A-Za-z_-]{35}${E}`) },
  { kind: 'Google OAuth client secret', re: re(String.raw`${B}GOCSPX-[A-Za-z0-9_-]{28}${E}`) },
  { kind: 'Google OAuth access token', re: re(String.raw`${B}ya29\.[A-Za-z0-9_-]{30,500}`) },
  { kind: 'Azure AD client secret', re: re(String.raw`${B}[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`) },
  { kind: 'Azure storage key', re: re(String.raw`\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([A-Za-z0-9+/%]{20,200}={0,2})`), group: 1 },
  { kind: 'Azure SAS signature', re: re(String.raw`[?&]sig=([A-Za-z0-9%+/=]{20,200})`), group: 1 },
  { kind: 'DigitalOcean token', re: re(String.raw`${B}do[opr]_v1_[a-f0-9]{64}${E}`) },
  { kind: 'Heroku API key', re: re(String.raw`${B}HRKU-(?:AA)?[A-Za-z0-9_-]{58,60}${E}`) },
  { kind: 'Alibaba Cloud access key id', re: re(String.raw`${B}LTAI[A-Za-z0-9]{20}${E}`) },
  { kind: 'Cloudflare token', re: re(String.raw`${B}(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}${E}`) },
  { kind: 'Fly.io token', re: re(String.raw`${B}fo1_[A-Za-z0-9_-]{43}${E}`) },
  { kind: 'Vercel token', re: re(String.raw`${B}(?:vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}${E}`) },
  { kind: 'Netlify token', re: re(String.raw`${B}nfp_[A-Za-z0-9]{36,40}${E}`) },
  { kind: 'Supabase key', re: re(String.raw`${B}sb(?:p|_secret)_[A-Za-z0-9_-]{30,64}${E}`) },
  { kind: 'Databricks token', re: re(String.raw`${B}dapi[a-f0-9]{32}(?:-\d)?${E}`) },
  { kind: 'HashiCorp Vault token', re: re(String.raw`${B}(?:hvs|hvb|hvr)\.[A-Za-z0-9_-]{24,300}${E}`) },
  { kind: 'Doppler token', re: re(String.raw`${B}dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}${E}`) },
  { kind: 'Pulumi token', re: re(String.raw`${B}pul-[a-f0-9]{40}${E}`) },
  { kind: 'Tailscale key', re: re(String.raw`${B}tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}${E}`) },
  // Payments and commerce
  { kind: 'Stripe secret key', re: re(String.raw`${B}(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,255}${E}`) },
  { kind: 'Stripe webhook secret', re: re(String.raw`${B}whsec_[A-Za-z0-9+/=]{20,80}`) },
  { kind: 'Square token', re: re(String.raw`${B}(?:sq0atp|sq0csp|EAAA)[-_A-Za-z0-9]{22,60}${E}`) },
  { kind: 'PayPal Braintree token', re: re(String.raw`${B}access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}${E}`) },
  { kind: 'Shopify token', re: re(String.raw`${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${E}`) },
  { kind: 'Adyen API key', re: re(String.raw`${B}AQE[a-zA-Z0-9]{3,5}[A-Za-z0-9+/=_-]{80,200}`), keywords: ['adyen'] },
  { kind: 'Coinbase key', re: re(String.raw`organizations/[0-9a-f-]{36}/apiKeys/[0-9a-f-]{36}`), keywords: ['coinbase', 'cdp'] },
  // Messaging, email, monitoring
  { kind: 'Slack token', re: re(String.raw`${B}xox[abposre]-(?:\d-)?[A-Za-z0-9-]{10,250}`) },
  { kind: 'Slack app token', re: re(String.raw`${B}xapp-\d-[A-Z0-9]{9,12}-\d{10,16}-[a-f0-9]{40,80}${E}`) },
  { kind: 'Slack webhook', re: re(String.raw`https://hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_+-]{20,200}`) },
  { kind: 'Discord webhook', re: re(String.raw`https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{5,30}/([A-Za-z0-9_-]{40,100})`), group: 1 },
  { kind: 'Microsoft Teams webhook', re: re(String.raw`https://[a-z0-9-]{1,60}\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/-]{40,300}`) },
  { kind: 'Telegram bot token', re: re(String.raw`${B}\d{8,10}:AA[A-Za-z0-9_-]{33}${E}`) },
  { kind: 'SendGrid API key', re: re(String.raw`${B}SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}${E}`) },
  { kind: 'Mailgun API key', re: re(String.raw`${B}key-[0-9a-z]{32}${E}`) },
  { kind: 'Mailchimp API key', re: re(String.raw`${B}[0-9a-f]{32}-us\d{1,2}${E}`) },
  { kind: 'Mailgun signing key', re: re(String.raw`${B}[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}${E}`), keywords: ['mailgun', 'mg_'] },
  { kind: 'Twilio API key', re: re(String.raw`${B}SK[0-9a-fA-F]{32}${E}`) },
  { kind: 'New Relic key', re: re(String.raw`${B}(?:NRAK-[A-Z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9_-]{32}|[a-f0-9]{36}NRAL|eu01xx[a-f0-9]{34}NRAL)${E}`) },
  { kind: 'Grafana token', re: re(String.raw`${B}(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})`) },
  { kind: 'Linear API key', re: re(String.raw`${B}lin_(?:api|oauth)_[A-Za-z0-9]{32,128}${E}`) },
  { kind: 'Notion token', re: re(String.raw`${B}(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})${E}`) },
  { kind: 'Figma token', re: re(String.raw`${B}figd_[A-Za-z0-9_-]{40,200}`) },
  { kind: 'Dropbox token', re: re(String.raw`${B}sl\.[A-Za-z0-9_-]{130,160}${E}`) },
  { kind: 'Mapbox secret token', re: re(String.raw`${B}sk\.eyJ[A-Za-z0-9_-]{20,200}\.[A-Za-z0-9_-]{20,60}${E}`) },
  { kind: '1Password token', re: re(String.raw`${B}ops_eyJ[A-Za-z0-9+/=]{100,1280}`) },
  { kind: 'Age secret key', re: re(String.raw`${B}AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}${E}`) },
  { kind: 'JWT', re: re(String.raw`${B}eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{10,1000}`) },
];

/**
 * Formats that are plain hex or base64 and only mean a credential next to their provider's name
 * (gitleaks' keyword rules): the line must mention one of `keywords`.
 */
export const KEYWORD_FORMATS: readonly TokenFormat[] = [
  { kind: 'Twilio auth token', re: re(String.raw`${B}[a-f0-9]{32}${E}`), keywords: ['twilio', 'auth_token', 'authtoken'] },
  { kind: 'Datadog key', re: re(String.raw`${B}[a-f0-9]{32}(?:[a-f0-9]{8})?${E}`), keywords: ['datadog', 'dd_api', 'dd_app', 'ddapi', 'ddapp', 'dd-api', 'dd-application', 'appkeyauth', 'apikeyauth'] },
  { kind: 'New Relic license key', re: re(String.raw`${B}[a-f0-9]{40}${E}`), keywords: ['newrelic', 'new_relic', 'new-relic', 'nr_license', 'license_key'] },
  { kind: 'Heroku API key', re: re(String.raw`${B}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${E}`), keywords: ['heroku'] },
  { kind: 'Algolia API key', re: re(String.raw`${B}[a-f0-9]{32}${E}`), keywords: ['algolia'] },
  { kind: 'Pusher secret', re: re(String.raw`${B}[a-f0-9]{20}${E}`), keywords: ['pusher'] },
  { kind: 'Mailgun API key', re: re(String.raw`${B}[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}${E}`), keywords: ['mailgun'] },
  { kind: 'Cloudflare API key', re: re(String.raw`${B}[a-f0-9]{37}${E}`), keywords: ['cloudflare', 'cf_api', 'x-auth-key'] },
  { kind: 'Cloudflare API token', re: re(String.raw`${B}[A-Za-z0-9_-]{40}${E}`), keywords: ['cloudflare', 'cf_api_token'], accept: (v) => /\d/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v) },
  { kind: 'Contentful token', re: re(String.raw`${B}[A-Za-z0-9_-]{43}${E}`), keywords: ['contentful'], accept: (v) => /\d/.test(v) && /[A-Z]/.test(v) },
  // "00" and 40 characters is any base64 run's substring (an SRI integrity hash): only next to the name.
  { kind: 'Okta token', re: re(String.raw`${B}00[A-Za-z0-9_-]{40}${E}`), keywords: ['okta', 'ssws'] },
  { kind: 'Airtable key', re: re(String.raw`${B}(?:key[A-Za-z0-9]{14}|pat[A-Za-z0-9]{14}\.[a-f0-9]{64})${E}`), keywords: ['airtable'] },
];

/** Provider keywords present in a lower-cased line (cheap pre-check before the keyword formats). */
export function keywordFormatsFor(lowerLine: string): TokenFormat[] {
  return KEYWORD_FORMATS.filter((f) => f.keywords!.some((k) => lowerLine.includes(k)));
}

/** Documentation keys and obvious dummies that are not worth a placeholder (AWS's own examples are, though). */
export function isDummy(value: string): boolean {
  return !notExample(value) && !/^AKIA[A-Z0-9]{16}$/.test(value);
}
