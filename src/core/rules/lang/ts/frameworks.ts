/**
 * What the TypeScript/JavaScript walk knows about frameworks, as data: where request data comes from
 * (Express, Fastify, Koa, Hono, Next file routes, Nest decorators, GraphQL resolvers), which functions
 * clean it, which modules are databases, HTTP clients or archives.
 */

/** Request properties: [raw (may be an object), whole body]. */
export const REQUEST_PROPS: Record<string, [boolean, boolean]> = {
  body: [true, true], query: [true, false], params: [false, false], headers: [false, false], header: [false, false],
  cookies: [true, false], signedCookies: [true, false], files: [true, false], file: [true, false], url: [false, false],
  originalUrl: [false, false], path: [false, false], hostname: [false, false], host: [false, false], rawBody: [false, false],
  payload: [true, true], querystring: [false, false], href: [false, false], search: [false, false], searchParams: [false, false],
  nextUrl: [false, false], fields: [true, false],
};
/** Request properties that say where the request went (its own path): a redirect to them stays on this site. */
export const SELF_LOCATION_PROPS = new Set(['path', 'originalUrl', 'url', 'pathname', 'nextUrl']);
/** Koa's ctx.x shortcuts for ctx.request.x. */
export const KOA_CONTEXT_PROPS = new Set(['query', 'params', 'querystring', 'url', 'path', 'href', 'host', 'hostname', 'headers', 'header']);
/** Request methods: req.param('x'), req.get('h'), c.req.query('x'), await request.json()… */
export const REQUEST_METHODS: Record<string, [boolean, boolean]> = {
  param: [false, false], get: [false, false], header: [false, false], json: [true, true], text: [false, false],
  formData: [true, true], query: [true, false], queries: [true, false], parseBody: [true, true], cookie: [false, false],
};
/** Types of an incoming request parameter. */
export const REQUEST_TYPE = /^(?:Express\.)?Request\b|FastifyRequest|NextRequest|NextApiRequest|IncomingMessage|HonoRequest|^Req\b/;
/** Nest parameter decorators that inject request data. */
export const NEST_PARAM_DECORATORS = /^(?:Body|Param|Query|Headers|Req|Request|UploadedFile|UploadedFiles|Ip|HostParam)$/;
/** GraphQL resolver parameter decorators (type-graphql, Nest GraphQL). */
export const GRAPHQL_ARG_DECORATORS = /^(?:Arg|Args)$/;
/** Exported route handlers of file-routed frameworks (Next app router, Remix, SvelteKit, Astro, Nuxt). */
export const HTTP_METHOD_EXPORT = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|handler|loader|action)$/;
/** Receivers of route registration calls: app.get('/x', handler). */
export const ROUTER_RECEIVER = /^(?:app|router|server|fastify|api|routes?|r|instance|koa|hono|express\(\)|[a-z]+Router|[a-z]+Routes)$/;
export const ROUTE_METHODS = /^(?:get|post|put|patch|delete|del|all|use|route|options|head|handle|on)$/;

/** Functions whose result is safe to use whatever went in (numbers, booleans, escaped or validated values). */
export const SANITIZERS = new Set([
  'parseInt', 'parseFloat', 'Number', 'Boolean', 'isNaN', 'isFinite', 'escape', 'escapeId', 'escapeLiteral', 'escapeIdentifier',
  'basename', 'encodeURIComponent', 'ObjectId', 'isValidObjectId', 'uuidValidate', 'validate', 'isUUID', 'isInt', 'toInt',
  'toNumber', 'sanitize', 'sanitizeFilter', 'sqlstring', 'quote', 'literal', 'ident', 'format_ident', 'parse', 'safeParse',
  'parseAsync', 'safeParseAsync', 'validateSync', 'plainToInstance', 'plainToClass', 'pick', 'omit', 'secureFilename',
  'hash', 'compare', 'createHash', 'randomUUID', 'getTime', 'valueOf', 'length', 'valid',
]);
/** Methods of a tainted value that return booleans or numbers. */
export const NON_STRING_METHODS = new Set(['includes', 'startsWith', 'endsWith', 'test', 'indexOf', 'lastIndexOf', 'has', 'some', 'every',
  'localeCompare', 'charCodeAt', 'codePointAt', 'isValid', 'equals', 'search']);
/** Free functions and static methods that pass taint through. */
export const PASS_THROUGH = new Set(['String', 'decodeURIComponent', 'decodeURI', 'unescape', 'format', 'from', 'assign', 'values', 'keys',
  'entries', 'fromEntries', 'stringify', 'concat', 'template', 'join', 'resolve', 'normalize', 'toNamespacedPath', 'parseUrl']);

/** Property names that make an archive entry's name (adm-zip entryName, yauzl fileName, unzipper path, tar header.name). */
export const ARCHIVE_NAME_PROPS = new Set(['entryName', 'fileName']);
export const ARCHIVE_ENTRY_VARS = /^(?:entry|zipEntry|file|header|item|e|f|member|ent)$/;
export const ARCHIVE_MODULES = /^(?:adm-zip|unzipper|yauzl|jszip|tar|tar-stream|tar-fs|decompress|extract-zip|node-stream-zip|unzip|unzip-stream)$/;

export const DB_MODULE = /^(?:sequelize|sequelize-typescript|mongoose|mongodb|typeorm|@prisma\/client|prisma|knex|objection|@mikro-orm\/.*|drizzle-orm.*|pg|pg-promise|postgres|mysql2?(?:\/promise)?|mariadb|sqlite3?|better-sqlite3|@nestjs\/typeorm|@nestjs\/mongoose|@nestjs\/sequelize|kysely|slonik|@libsql\/client|@planetscale\/database|@neondatabase\/serverless|@vercel\/postgres|bookshelf|waterline|massive|oracledb|mssql|tedious|@google-cloud\/firestore|firebase-admin|dynamoose|@aws-sdk\/client-dynamodb|@aws-sdk\/lib-dynamodb)$|(?:^|\/)(?:models?|entities|entity|db|database|repositor(?:y|ies)|dao|schema|prisma|orm)(?:\/|$|\.)/;
/** Modules that are SQL databases (not Redis, queues, caches): their query methods take SQL. */
export const SQL_MODULE = /^(?:sequelize|sequelize-typescript|typeorm|@prisma\/client|prisma|knex|objection|@mikro-orm\/.*|drizzle-orm.*|pg|pg-promise|pg-pool|postgres|mysql2?(?:\/promise)?|mariadb|sqlite3?|better-sqlite3|@nestjs\/typeorm|@nestjs\/sequelize|kysely|slonik|@libsql\/client|@planetscale\/database|@neondatabase\/serverless|@vercel\/postgres|bookshelf|massive|oracledb|mssql|tedious|sql\.js|duckdb)$/;
/** Modules whose objects have query-like method names but are not SQL (a Redis job's fetch(id), a queue's get). */
export const NOT_SQL_MODULE = /^(?:ioredis|redis|@redis\/.*|bull|bullmq|bee-queue|kue|agenda|memcached|node-cache|lru-cache|keyv|@upstash\/redis|amqplib|kafkajs|nats|axios|got|node-fetch|undici|elasticsearch|@elastic\/elasticsearch|mongodb|mongoose)$/;
export const MONGO_MODULE = /^(?:mongodb|mongoose|monk|mongojs|@nestjs\/mongoose)$/;

export const HTTP_CLIENT_MODULES = /^(?:axios|got|node-fetch|undici|request|request-promise|request-promise-native|superagent|needle|ky|phin|bent|cross-fetch|isomorphic-fetch|http|https|node:http|node:https|make-fetch-happen)$/;

export const BUILTIN_PASCAL = new Set(['Object', 'Promise', 'JSON', 'Math', 'Array', 'Date', 'Number', 'String', 'Buffer', 'Reflect', 'Symbol', 'Map',
  'Set', 'WeakMap', 'Intl', 'URL', 'Error', 'RegExp', 'Boolean', 'BigInt', 'Atomics', 'Proxy', 'Crypto', 'React', 'Vue', 'Logger', 'Joi', 'Yup',
  'Validator', 'EventEmitter', 'Readable', 'Writable', 'Stream', 'Headers', 'Response', 'Request', 'FormData', 'Blob', 'File', 'Sentry', 'Test']);
export const DB_RECEIVER = /(?:^|\.|\b)(?:db|database|prisma|knex|sequelize|mongoose|pool|pg|conn|connection|manager|entityManager|em|orm|repo|repository|\w+Repository|\w+Repo|\w+Model|models?|collection|\w+Collection|queryRunner|dataSource|tx|trx|dao|\w+Dao|\w+DAO|client|sql)(?:\.|$|\(|\[)/i;
/** Receivers whose name alone does not say "database" (an HTTP client, a cache, a stream): trusted only in files that use a database. */
export const AMBIGUOUS_DB_RECEIVER = /^(?:client|pool|conn|connection|session|manager|em|tx|trx|sql|collection|store|models?)$/i;

/** Mongo methods whose first argument is a filter. */
export const MONGO_FILTER_METHODS_TS = new Set(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndRemove',
  'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'countDocuments', 'count', 'remove', 'update', 'exists', 'where', 'findAndModify']);

export const DB_WRITE_METHODS = new Set(['create', 'insert', 'insertOne', 'insertMany', 'update', 'updateOne', 'updateMany', 'delete', 'deleteOne',
  'deleteMany', 'destroy', 'save', 'upsert', 'remove', 'increment', 'decrement', 'bulkCreate', 'createMany', 'findByIdAndUpdate', 'findOneAndUpdate',
  'findByIdAndDelete', 'findOneAndDelete', 'findByIdAndRemove', 'replaceOne', 'bulkWrite', 'del', 'insertAndFetch', 'patch', 'patchAndFetchById',
  'updateAndFetchById', 'deleteById', 'softDelete', 'restore']);
export const DB_READ_METHODS = new Set(['find', 'findOne', 'findById', 'findByPk', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow',
  'findMany', 'findAll', 'findOneBy', 'findBy', 'findOneOrFail', 'findAndCountAll', 'count', 'countDocuments', 'aggregate', 'query', 'execute',
  'select', 'first', 'findByIds', 'exists', 'distinct', 'sum', 'max', 'min', 'pluck', 'load', 'getOne', 'getMany', 'getRawMany', 'findOneById']);
