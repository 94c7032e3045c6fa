/**
 * What the Python walk knows about frameworks, as data: request sources (Flask, Django, DRF, FastAPI,
 * Starlette), sanitizers, normalizers, database receivers and how permission scoping is written.
 */

/** request.<attr>: [raw (may be a dict/list), whole payload]. */
export const REQUEST_ATTRS: Record<string, [boolean, boolean]> = {
  args: [false, true], form: [false, true], values: [false, true], json: [true, true], data: [true, true], files: [false, false],
  cookies: [false, false], headers: [false, false], view_args: [false, false], GET: [false, true], POST: [false, true], body: [false, false],
  query_params: [false, true], FILES: [false, false], COOKIES: [false, false], META: [false, false], path: [false, false],
  full_path: [false, false], url: [false, false], query_string: [false, false], path_params: [false, false], host: [false, false],
  referrer: [false, false], stream: [false, false], path_info: [false, false], base_url: [false, false], url_root: [false, false],
};
/** The request's own location: redirecting to it stays on this site. */
export const SELF_LOCATION_ATTRS = new Set(['path', 'full_path', 'path_info', 'url', 'base_url', 'url_root', 'get_full_path', 'build_absolute_uri']);
export const REQUEST_METHODS: Record<string, [boolean, boolean]> = {
  get_json: [true, true], get_data: [false, false], json: [true, true], body: [false, false], form: [false, true], get_full_path: [false, false],
  build_absolute_uri: [false, false],
};
export const SANITIZERS = new Set(['int', 'float', 'bool', 'len', 'escape', 'quote', 'secure_filename', 'basename', 'UUID', 'ObjectId', 'clean',
  'escape_string', 'literal', 'is_safe_url', 'url_has_allowed_host_and_scheme', 'safe_join', 'validate', 'isdigit', 'isnumeric', 'isalnum',
  'isalpha', 'startswith', 'endswith', 'hash', 'check_password_hash', 'generate_password_hash', 'make_password', 'check_password',
  'model_validate', 'parse_obj', 'validated_data', 'is_valid', 'count', 'index', 'find', 'sqlquote', 'Identifier', 'Literal', 'quote_ident',
  'quote_plus', 'urlencode', 'slugify', 'get_valid_filename', 'decimal', 'Decimal', 'date', 'datetime', 'fromisoformat', 'strptime',
  'safe_for_redirect', 'get_safe_redirect', 'safe_redirect_url', 'sanitize_redirect', 'urlsafe_base64_encode', 'escape_for_html']);
export const NORMALIZERS = new Set(['abspath', 'normpath', 'realpath', 'resolve', 'absolute']);
/** Functions that pass their arguments' taint to the result. */
export const PASS_THROUGH = /^(?:join|abspath|normpath|realpath|Path|PurePath|PosixPath|str|text|unquote|unquote_plus|b64decode|urlsafe_b64decode|b64encode|urljoin|urlparse|urlsplit|bytes|TextClause|dedent|fspath|expanduser|resolve|absolute|joinpath|literal_column|dict|list|sorted|reversed|getattr|decode|encode|format_html|strip|lstrip|rstrip|lower|upper|replace|split|rsplit|casefold|title|capitalize|removeprefix|removesuffix)$/;
export const ARCHIVE_ITER = /\.(?:namelist|infolist|getmembers|getnames)\s*\(/;
export const ID_SOURCE = /(?:^|[^a-z])(?:id|pk|uuid|slug|[a-z_]*_id)\b|[a-z]Id\b/i;
export const DB_RECEIVER = /(?:^|\.)(?:objects|query|session|db|cursor|cur|conn|connection|engine|collection|col|coll|mongo|database|[a-z_]*_collection|[a-z_]*_table|table)(?:\.|$|\(|\[)/i;
export const DB_READS = new Set(['get', 'filter', 'filter_by', 'all', 'first', 'one', 'one_or_none', 'get_or_404', 'first_or_404', 'execute', 'find',
  'find_one', 'count', 'exclude', 'raw', 'aggregate', 'scalar', 'scalars', 'fetchone', 'fetchall', 'get_object_or_404', 'query', 'select_related',
  'values', 'values_list', 'exists', 'count_documents', 'scalar_one', 'scalar_one_or_none']);
export const DB_WRITES = new Set(['save', 'create', 'update', 'delete', 'bulk_create', 'bulk_update', 'get_or_create', 'update_or_create', 'insert_one',
  'insert_many', 'update_one', 'update_many', 'delete_one', 'delete_many', 'replace_one', 'add', 'merge']);
export const MONGO_FILTER_METHODS = new Set(['find', 'find_one', 'find_one_and_update', 'find_one_and_delete', 'find_one_and_replace', 'update_one',
  'update_many', 'delete_one', 'delete_many', 'replace_one', 'count_documents', 'count', 'distinct', 'remove', 'update', 'aggregate']);
/** Functions whose name says they validate their argument (is_safe_url, url_has_allowed_host_and_scheme, check_path…). */
export const CHECK_FUNCTION = /^_*(?:is_|check_|validate_|ensure_|assert_|verify_)|allowed|whitelist|allowlist|is_safe|within|inside|trusted|permitted|safe_for_redirect/i;
export const HTTP_CLIENTS = /^(?:requests|httpx|urllib\.request|urllib2|urllib|aiohttp|urllib3|session|client|http|s|sess|http_client|pool)$/;
