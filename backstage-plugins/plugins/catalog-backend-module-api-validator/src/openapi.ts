import { Context, isNonEmptyString, isObj, ptr, type Obj } from './context';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PARAM_IN_3 = ['query', 'header', 'path', 'cookie'];
const PARAM_IN_2 = ['query', 'header', 'path', 'formData', 'body'];
const SCHEME_TYPES_3 = ['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS'];
const SCHEME_TYPES_2 = ['basic', 'apiKey', 'oauth2'];

export interface LintInfo {
  /** `api-observatory.io/api-name` when the entity carries `api-observatory.io/gateway`. */
  gatewayApiName?: string;
}

/** Swagger 2.0 and OpenAPI 3.0 / 3.1: structure and lint rules. `version` is already checked. */
export function lintOpenApi(ctx: Context, v2: boolean, minor31: boolean, info: LintInfo): void {
  const d = ctx.doc;
  checkInfo(ctx);

  // servers
  if (v2) {
    if (!isNonEmptyString(d.host)) ctx.report('servers-defined', 'no `host`: clients cannot tell where the API is served', '/host');
  } else if (d.servers !== undefined) {
    if (!Array.isArray(d.servers)) ctx.report('structure', '`servers` must be an array', '/servers');
    else {
      if (d.servers.length === 0) ctx.report('servers-defined', '`servers` is empty', '/servers');
      d.servers.forEach((s, i) => {
        if (!isObj(s) || typeof s.url !== 'string') ctx.report('structure', 'server needs a `url` string', ptr('servers', i));
      });
    }
  } else {
    ctx.report('servers-defined', 'no `servers`: clients cannot tell where the API is served', '/servers');
  }

  // security schemes
  const schemesPath = v2 ? ['securityDefinitions'] : ['components', 'securitySchemes'];
  const schemesRaw = v2 ? d.securityDefinitions : isObj(d.components) ? d.components.securitySchemes : undefined;
  const schemes: Obj = isObj(schemesRaw) ? schemesRaw : {};
  if (schemesRaw !== undefined && !isObj(schemesRaw)) ctx.report('structure', `\`${schemesPath.join('.')}\` must be an object`, ptr(...schemesPath));
  for (const [name, raw] of Object.entries(schemes)) {
    const s = ctx.deref(raw);
    const at = ptr(...schemesPath, name);
    if (!isObj(s)) {
      if (!(isObj(raw) && typeof raw.$ref === 'string')) ctx.report('structure', `security scheme ${name} must be an object`, at);
      continue;
    }
    const types = v2 ? SCHEME_TYPES_2 : SCHEME_TYPES_3;
    if (typeof s.type !== 'string' || !types.includes(s.type)) {
      ctx.report('structure', `security scheme ${name}: \`type\` must be one of ${types.join(', ')}`, `${at}/type`);
      continue;
    }
    if (s.type === 'apiKey' && (!isNonEmptyString(s.name) || typeof s.in !== 'string')) ctx.report('structure', `security scheme ${name}: apiKey needs \`name\` and \`in\``, at);
    if (s.type === 'http' && !isNonEmptyString(s.scheme)) ctx.report('structure', `security scheme ${name}: http needs \`scheme\``, at);
    if (s.type === 'oauth2' && !v2 && !isObj(s.flows)) ctx.report('structure', `security scheme ${name}: oauth2 needs \`flows\``, at);
    if (s.type === 'oauth2' && v2 && typeof s.flow !== 'string') ctx.report('structure', `security scheme ${name}: oauth2 needs \`flow\``, at);
    if (s.type === 'openIdConnect' && !isNonEmptyString(s.openIdConnectUrl)) ctx.report('structure', `security scheme ${name}: openIdConnect needs \`openIdConnectUrl\``, at);
  }
  const used = new Set<string>();
  const checkSecurity = (sec: unknown, at: string) => {
    if (sec === undefined) return;
    if (!Array.isArray(sec)) {
      ctx.report('structure', '`security` must be an array of security requirements', at);
      return;
    }
    sec.forEach((req, i) => {
      if (!isObj(req)) {
        ctx.report('structure', 'security requirement must be an object', `${at}/${i}`);
        return;
      }
      for (const name of Object.keys(req)) {
        used.add(name);
        if (!Object.prototype.hasOwnProperty.call(schemes, name)) {
          ctx.report('security-schemes-defined', `security requirement names \`${name}\`, which is not defined in ${schemesPath.join('.')}`, `${at}/${i}`);
          continue;
        }
        // Scopes belong to OAuth2 / OpenID Connect; OpenAPI 3.1 also allows role names for the others.
        const scheme = ctx.deref(schemes[name]);
        const scopes = req[name];
        if (!minor31 && isObj(scheme) && scheme.type !== 'oauth2' && scheme.type !== 'openIdConnect' && Array.isArray(scopes) && scopes.length > 0) {
          ctx.report('structure', `security requirement \`${name}\` lists scopes, but its scheme is ${String(scheme.type)}: the list must be empty`, `${at}/${i}/${name}`);
        }
      }
    });
  };
  checkSecurity(d.security, '/security');

  // paths and operations
  if (d.paths === undefined) {
    if (!minor31) ctx.report('structure', '`paths` is required', '/paths');
    else if (d.components === undefined && d.webhooks === undefined) ctx.report('structure', 'OpenAPI 3.1 needs at least one of `paths`, `webhooks`, `components`', '');
  } else if (!isObj(d.paths)) {
    ctx.report('structure', '`paths` must be an object', '/paths');
  }
  const opIds = new Map<string, string>();
  const paths: Obj = isObj(d.paths) ? d.paths : {};
  for (const [route, rawItem] of Object.entries(paths)) {
    ctx.checkDeadline();
    const itemAt = ptr('paths', route);
    if (route.startsWith('x-')) continue;
    if (!route.startsWith('/')) ctx.report('structure', `path \`${route}\` must start with /`, itemAt);
    const item = ctx.deref(rawItem);
    if (!isObj(item)) {
      if (!(isObj(rawItem) && typeof rawItem.$ref === 'string')) ctx.report('structure', `path item \`${route}\` must be an object`, itemAt);
      continue;
    }
    const template = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const itemParams = checkParams(ctx, item.parameters, `${itemAt}/parameters`, v2);
    for (const method of Object.keys(item)) {
      if (!METHODS.includes(method) || (v2 && method === 'trace')) continue;
      const op = item[method];
      const at = `${itemAt}/${method}`;
      const label = `${method.toUpperCase()} ${route}`;
      if (!isObj(op)) {
        ctx.report('structure', `operation ${label} must be an object`, at);
        continue;
      }
      ctx.tick();
      // operationId
      if (op.operationId === undefined) ctx.report('operation-operationId', `operation ${label} has no operationId`, at);
      else if (!isNonEmptyString(op.operationId)) ctx.report('structure', `operation ${label}: operationId must be a non-empty string`, `${at}/operationId`);
      else {
        const prev = opIds.get(op.operationId);
        if (prev) ctx.report('operation-operationId-unique', `operationId \`${op.operationId}\` of ${label} is already used by ${prev}`, `${at}/operationId`);
        else opIds.set(op.operationId, label);
      }
      if (!isNonEmptyString(op.summary) && !isNonEmptyString(op.description)) ctx.report('operation-description', `operation ${label} has neither summary nor description`, at);
      // parameters: operation-level override path-level by (name, in)
      const opParams = checkParams(ctx, op.parameters, `${at}/parameters`, v2);
      const pathParams = new Set<string>();
      for (const p of [...itemParams, ...opParams]) if (p.in === 'path') pathParams.add(p.name);
      for (const t of template) {
        if (!pathParams.has(t)) ctx.report('path-params-defined', `${label}: path parameter {${t}} is not declared \`in: path\``, at);
      }
      for (const p of pathParams) {
        if (!template.includes(p)) ctx.report('path-params-defined', `${label}: parameter \`${p}\` is declared \`in: path\` but is not in the path template`, at);
      }
      if (!v2 && op.requestBody !== undefined) {
        const body = ctx.deref(op.requestBody);
        if (isObj(body) && !isObj(body.content)) ctx.report('structure', `${label}: requestBody needs \`content\``, `${at}/requestBody`);
      }
      // responses
      if (op.responses === undefined) {
        if (!minor31) ctx.report('structure', `operation ${label} has no \`responses\``, at);
        else ctx.report('operation-success-response', `operation ${label} declares no responses`, at);
      } else if (!isObj(op.responses) || Object.keys(op.responses).length === 0) {
        ctx.report('structure', `operation ${label}: \`responses\` must be a non-empty object`, `${at}/responses`);
      } else {
        let success = false;
        for (const [code, rawResp] of Object.entries(op.responses)) {
          if (code.startsWith('x-')) continue;
          const rAt = `${at}/responses/${code}`;
          if (!/^([1-5](\d\d|XX)|default)$/.test(code)) ctx.report('structure', `${label}: response key \`${code}\` is not an HTTP status code, a range like 2XX, or default`, rAt);
          if (/^[23]/.test(code)) success = true;
          const resp = ctx.deref(rawResp);
          if (isObj(resp) && typeof resp.description !== 'string') ctx.report('structure', `${label}: response ${code} needs a \`description\``, rAt);
          else if (!isObj(resp) && !(isObj(rawResp) && typeof rawResp.$ref === 'string')) ctx.report('structure', `${label}: response ${code} must be an object`, rAt);
        }
        if (!success) ctx.report('operation-success-response', `operation ${label} declares no 2xx or 3xx response`, `${at}/responses`);
      }
      checkSecurity(op.security, `${at}/security`);
      if (info.gatewayApiName !== undefined) {
        const routeName = op['x-gateway-route'];
        if (routeName === undefined) ctx.report('operation-gateway-route', `operation ${label} has no x-gateway-route`, at);
        else if (typeof routeName !== 'string' || !routeName.startsWith(`${info.gatewayApiName}-`)) {
          ctx.report('operation-gateway-route', `operation ${label}: x-gateway-route \`${String(routeName)}\` should be \`${info.gatewayApiName}-<operation>\``, `${at}/x-gateway-route`);
        }
      }
    }
  }
  for (const name of Object.keys(schemes)) {
    if (!used.has(name)) ctx.report('security-schemes-referenced', `security scheme \`${name}\` is defined but never required`, ptr(...schemesPath, name));
  }
}

export function checkInfo(ctx: Context): void {
  const info = ctx.doc.info;
  if (!isObj(info)) {
    ctx.report('structure', '`info` object is required', '/info');
    return;
  }
  if (!isNonEmptyString(info.title)) ctx.report('structure', '`info.title` must be a non-empty string', '/info/title');
  if (typeof info.version !== 'string') {
    ctx.report('structure', `\`info.version\` must be a string${typeof info.version === 'number' ? ` (quote it: '${info.version}')` : ''}`, '/info/version');
  }
  if (!isNonEmptyString(info.description)) ctx.report('info-description', '`info.description` is missing', '/info/description');
}

interface Param {
  name: string;
  in: string;
}

function checkParams(ctx: Context, raw: unknown, at: string, v2: boolean): Param[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    ctx.report('structure', '`parameters` must be an array', at);
    return [];
  }
  const out: Param[] = [];
  const seen = new Set<string>();
  raw.forEach((rawP, i) => {
    const pAt = `${at}/${i}`;
    const p = ctx.deref(rawP);
    if (!isObj(p)) {
      if (!(isObj(rawP) && typeof rawP.$ref === 'string')) ctx.report('structure', 'parameter must be an object', pAt);
      return;
    }
    const ins = v2 ? PARAM_IN_2 : PARAM_IN_3;
    if (!isNonEmptyString(p.name) || typeof p.in !== 'string' || !ins.includes(p.in)) {
      ctx.report('structure', `parameter needs a \`name\` and \`in\` (one of ${ins.join(', ')})`, pAt);
      return;
    }
    const key = `${p.in}:${p.name}`;
    if (seen.has(key)) ctx.report('structure', `parameter \`${p.name}\` (in ${p.in}) is declared twice`, pAt);
    seen.add(key);
    if (p.in === 'path' && p.required !== true) ctx.report('structure', `path parameter \`${p.name}\` must have \`required: true\``, pAt);
    if (v2) {
      if (p.in === 'body' ? !isObj(p.schema) : typeof p.type !== 'string') ctx.report('structure', `parameter \`${p.name}\` needs ${p.in === 'body' ? 'a `schema`' : 'a `type`'}`, pAt);
    } else if (!isObj(p.schema) && !isObj(p.content)) {
      ctx.report('structure', `parameter \`${p.name}\` needs a \`schema\` or \`content\``, pAt);
    }
    out.push({ name: p.name, in: p.in });
  });
  return out;
}
