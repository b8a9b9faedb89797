import { Context, isNonEmptyString, isObj, ptr, type Obj } from './context';
import { checkInfo } from './openapi';

const SCHEME_TYPES = [
  'userPassword', 'apiKey', 'X509', 'symmetricEncryption', 'asymmetricEncryption', 'httpApiKey', 'http',
  'oauth2', 'openIdConnect', 'plain', 'scramSha256', 'scramSha512', 'gssapi',
];

const params = (s: string) => [...s.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

function schemesOf(ctx: Context): Obj {
  const comps = ctx.doc.components;
  if (comps === undefined) return {};
  if (!isObj(comps)) {
    ctx.report('structure', '`components` must be an object', '/components');
    return {};
  }
  const raw = comps.securitySchemes;
  if (raw === undefined) return {};
  if (!isObj(raw)) {
    ctx.report('structure', '`components.securitySchemes` must be an object', '/components/securitySchemes');
    return {};
  }
  for (const [name, rawS] of Object.entries(raw)) {
    const s = ctx.deref(rawS);
    if (isObj(s) && (typeof s.type !== 'string' || !SCHEME_TYPES.includes(s.type))) {
      ctx.report('structure', `security scheme ${name}: \`type\` must be one of ${SCHEME_TYPES.join(', ')}`, ptr('components', 'securitySchemes', name, 'type'));
    }
  }
  return raw;
}

function checkChannelParams(ctx: Context, channel: Obj, address: string, at: string): void {
  const declared = isObj(channel.parameters) ? channel.parameters : {};
  for (const p of params(address)) {
    if (!Object.prototype.hasOwnProperty.call(declared, p)) ctx.report('channel-params-defined', `channel \`${address}\`: parameter {${p}} is not declared in \`parameters\``, `${at}/parameters`);
  }
}

function checkMessage(ctx: Context, raw: unknown, at: string, label: string): void {
  const m = ctx.deref(raw);
  if (m === undefined && isObj(raw) && typeof raw.$ref === 'string') return; // unresolved / external: reported by the ref rules
  if (!isObj(m)) {
    ctx.report('structure', `${label}: message must be an object`, at);
    return;
  }
  if (m.payload === undefined || m.payload === null) ctx.report('asyncapi-payload-present', `${label}: message ${typeof m.name === 'string' ? `\`${m.name}\` ` : ''}has no payload schema`, at);
}

function checkServers(ctx: Context, v3: boolean, schemes: Obj, used: Set<string>): void {
  const servers = ctx.doc.servers;
  if (servers === undefined) {
    ctx.report('servers-defined', 'no `servers`: consumers cannot tell which broker serves the API', '/servers');
    return;
  }
  if (!isObj(servers)) {
    ctx.report('structure', '`servers` must be an object', '/servers');
    return;
  }
  if (Object.keys(servers).length === 0) ctx.report('servers-defined', '`servers` is empty', '/servers');
  for (const [name, raw] of Object.entries(servers)) {
    const s = ctx.deref(raw);
    const at = ptr('servers', name);
    if (!isObj(s)) continue;
    const need = v3 ? ['host', 'protocol'] : ['url', 'protocol'];
    for (const f of need) if (!isNonEmptyString(s[f])) ctx.report('structure', `server ${name} needs \`${f}\``, `${at}/${f}`);
    checkSecurity(ctx, s.security, `${at}/security`, v3, schemes, used);
  }
}

/** 2.x: `[{ name: [scopes] }]`; 3.x: `[SecurityScheme | $ref]`. */
function checkSecurity(ctx: Context, sec: unknown, at: string, v3: boolean, schemes: Obj, used: Set<string>): void {
  if (sec === undefined) return;
  if (!Array.isArray(sec)) {
    ctx.report('structure', '`security` must be an array', at);
    return;
  }
  sec.forEach((item, i) => {
    if (!isObj(item)) return ctx.report('structure', 'security item must be an object', `${at}/${i}`);
    if (v3) {
      if (typeof item.$ref === 'string') {
        const m = /^#\/components\/securitySchemes\/([^/]+)$/.exec(item.$ref);
        if (m) used.add(decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~'));
        else if (item.$ref.startsWith('#')) ctx.report('security-schemes-defined', `security item ${item.$ref} does not point into components.securitySchemes`, `${at}/${i}`);
      }
      return;
    }
    for (const name of Object.keys(item)) {
      used.add(name);
      if (!Object.prototype.hasOwnProperty.call(schemes, name)) ctx.report('security-schemes-defined', `security requirement names \`${name}\`, which is not defined in components.securitySchemes`, `${at}/${i}`);
    }
  });
}

/** AsyncAPI 2.x and 3.x: structure and lint rules. The version is already checked. */
export function lintAsyncApi(ctx: Context, v3: boolean): void {
  const d = ctx.doc;
  checkInfo(ctx);
  const schemes = schemesOf(ctx);
  const used = new Set<string>();
  checkServers(ctx, v3, schemes, used);

  if (d.channels === undefined) {
    if (!v3) ctx.report('structure', '`channels` is required', '/channels');
  } else if (!isObj(d.channels)) {
    ctx.report('structure', '`channels` must be an object', '/channels');
  }
  const channels: Obj = isObj(d.channels) ? d.channels : {};

  if (!v3) {
    const opIds = new Map<string, string>();
    for (const [name, rawCh] of Object.entries(channels)) {
      ctx.checkDeadline();
      const at = ptr('channels', name);
      const ch = ctx.deref(rawCh);
      if (!isObj(ch)) {
        if (!(isObj(rawCh) && typeof rawCh.$ref === 'string')) ctx.report('structure', `channel \`${name}\` must be an object`, at);
        continue;
      }
      checkChannelParams(ctx, ch, name, at);
      for (const kind of ['publish', 'subscribe'] as const) {
        const op = ctx.deref(ch[kind]);
        if (op === undefined) continue;
        const oAt = `${at}/${kind}`;
        const label = `${kind} ${name}`;
        if (!isObj(op)) {
          ctx.report('structure', `${label}: operation must be an object`, oAt);
          continue;
        }
        ctx.tick();
        if (op.operationId === undefined) ctx.report('operation-operationId', `operation ${label} has no operationId`, oAt);
        else if (!isNonEmptyString(op.operationId)) ctx.report('structure', `${label}: operationId must be a non-empty string`, `${oAt}/operationId`);
        else {
          const prev = opIds.get(op.operationId);
          if (prev) ctx.report('operation-operationId-unique', `operationId \`${op.operationId}\` of ${label} is already used by ${prev}`, `${oAt}/operationId`);
          else opIds.set(op.operationId, label);
        }
        if (!isNonEmptyString(op.summary) && !isNonEmptyString(op.description)) ctx.report('operation-description', `operation ${label} has neither summary nor description`, oAt);
        checkSecurity(ctx, op.security, `${oAt}/security`, false, schemes, used);
        if (op.message === undefined) {
          ctx.report('asyncapi-message-present', `operation ${label} has no message`, oAt);
          continue;
        }
        const msg = ctx.deref(op.message);
        if (isObj(msg) && Array.isArray(msg.oneOf)) {
          if (msg.oneOf.length === 0) ctx.report('asyncapi-message-present', `operation ${label}: message.oneOf is empty`, `${oAt}/message/oneOf`);
          msg.oneOf.forEach((m, i) => checkMessage(ctx, m, `${oAt}/message/oneOf/${i}`, label));
        } else {
          checkMessage(ctx, op.message, `${oAt}/message`, label);
        }
      }
    }
  } else {
    // channels: address parameters, messages with payloads
    for (const [name, rawCh] of Object.entries(channels)) {
      ctx.checkDeadline();
      const at = ptr('channels', name);
      const ch = ctx.deref(rawCh);
      if (!isObj(ch)) continue;
      if (typeof ch.address === 'string') checkChannelParams(ctx, ch, ch.address, at);
      else if (ch.address !== undefined && ch.address !== null) ctx.report('structure', `channel ${name}: \`address\` must be a string or null`, `${at}/address`);
      if (ch.messages !== undefined && !isObj(ch.messages)) ctx.report('structure', `channel ${name}: \`messages\` must be an object`, `${at}/messages`);
      else if (isObj(ch.messages)) {
        for (const [mName, m] of Object.entries(ch.messages)) checkMessage(ctx, m, `${at}/messages/${mName}`, `channel ${name}`);
      }
    }
    const ops = d.operations;
    if (ops !== undefined && !isObj(ops)) ctx.report('structure', '`operations` must be an object', '/operations');
    for (const [id, rawOp] of Object.entries(isObj(ops) ? ops : {})) {
      ctx.tick();
      const at = ptr('operations', id);
      const op = ctx.deref(rawOp);
      if (!isObj(op)) continue;
      const label = `operation ${id}`;
      if (op.action !== 'send' && op.action !== 'receive') ctx.report('structure', `${label}: \`action\` must be send or receive`, `${at}/action`);
      if (!isNonEmptyString(op.summary) && !isNonEmptyString(op.description) && !isNonEmptyString(op.title)) ctx.report('operation-description', `${label} has neither summary nor description`, at);
      checkSecurity(ctx, op.security, `${at}/security`, true, schemes, used);
      if (!isObj(op.channel) || typeof op.channel.$ref !== 'string') {
        ctx.report('structure', `${label}: \`channel\` must be a $ref to a channel`, `${at}/channel`);
        continue;
      }
      const chRef = op.channel.$ref;
      if (chRef.startsWith('#') && !/^#\/channels\/[^/]+$/.test(chRef)) ctx.report('structure', `${label}: channel ${chRef} does not point into #/channels`, `${at}/channel`);
      const ch = ctx.deref(op.channel);
      if (op.messages !== undefined) {
        if (!Array.isArray(op.messages)) {
          ctx.report('structure', `${label}: \`messages\` must be an array of $refs`, `${at}/messages`);
          continue;
        }
        if (op.messages.length === 0) ctx.report('asyncapi-message-present', `${label} lists no messages`, `${at}/messages`);
        op.messages.forEach((m, i) => {
          const mRef = isObj(m) && typeof m.$ref === 'string' ? m.$ref : undefined;
          if (!mRef) ctx.report('structure', `${label}: messages[${i}] must be a $ref to a message of its channel`, `${at}/messages/${i}`);
          else if (mRef.startsWith('#') && chRef.startsWith('#') && !mRef.startsWith(`${chRef}/messages/`)) {
            ctx.report('structure', `${label}: message ${mRef} is not a message of its channel ${chRef}`, `${at}/messages/${i}`);
          }
        });
      } else if (isObj(ch) && (!isObj(ch.messages) || Object.keys(ch.messages).length === 0)) {
        ctx.report('asyncapi-message-present', `${label}: neither the operation nor its channel ${chRef} has messages`, at);
      }
    }
  }
  for (const name of Object.keys(schemes)) {
    if (!used.has(name)) ctx.report('security-schemes-referenced', `security scheme \`${name}\` is defined but never used`, ptr('components', 'securitySchemes', name));
  }
}
