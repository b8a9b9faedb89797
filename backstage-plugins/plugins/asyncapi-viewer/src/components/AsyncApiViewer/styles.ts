/** Scoped styles (prefix aav-); colours inherit from the surrounding theme so light and dark both work. */
export const VIEWER_CSS = `
.aav-root{font-size:14px;line-height:1.45;color:inherit}
.aav-root *{box-sizing:border-box}
.aav-title{font-size:1.4em;margin:0 0 4px}
.aav-h3{font-size:1.1em;font-weight:600;margin:16px 0 8px;display:block}
.aav-muted{opacity:.7;margin-left:6px}
.aav-meta-line{display:flex;gap:16px;flex-wrap:wrap;opacity:.8;margin:4px 0}
.aav-badge{display:inline-block;border:1px solid rgba(127,127,127,.45);border-radius:10px;padding:0 8px;font-size:.8em;margin-left:6px;font-weight:500}
.aav-badge-spec{opacity:.8}
.aav-send{background:rgba(46,125,50,.15);border-color:rgba(46,125,50,.6)}
.aav-receive{background:rgba(21,101,192,.15);border-color:rgba(21,101,192,.6)}
.aav-toolbar{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
.aav-input{font:inherit;color:inherit;background:transparent;border:1px solid rgba(127,127,127,.5);border-radius:4px;padding:4px 8px}
.aav-root input.aav-input{min-width:280px}
.aav-root select.aav-input option{color:initial}
.aav-list{list-style:none;margin:0;padding:0}
.aav-card{border:1px solid rgba(127,127,127,.3);border-radius:4px;margin:4px 0;padding:4px 8px;content-visibility:auto;contain-intrinsic-size:auto 34px}
.aav-row-head{display:flex;gap:6px;align-items:center;flex-wrap:wrap;width:100%;text-align:left}
.aav-linklike{font:inherit;color:inherit;background:none;border:0;padding:2px 0;cursor:pointer}
.aav-linklike:focus-visible{outline:2px solid rgba(21,101,192,.8)}
.aav-caret{display:inline-block;width:1em;opacity:.7}
.aav-name{font-weight:600;word-break:break-all}
.aav-address{font-size:.9em;opacity:.85;word-break:break-all}
.aav-details{padding:4px 0 8px 18px}
.aav-block{margin:8px 0}
.aav-block-title{font-weight:600;font-size:.85em;text-transform:uppercase;letter-spacing:.04em;opacity:.75;margin-bottom:2px}
.aav-op{border-left:3px solid rgba(127,127,127,.35);padding-left:8px;margin:6px 0}
.aav-schema-children{margin-left:14px;border-left:1px dotted rgba(127,127,127,.5);padding-left:6px}
.aav-schema-head{display:flex;gap:6px;align-items:baseline;flex-wrap:wrap;text-align:left}
.aav-schema-meta{margin-left:1.4em;display:flex;gap:6px;flex-wrap:wrap;align-items:baseline;font-size:.92em}
.aav-prop-name{font-family:monospace;font-weight:600}
.aav-schema-label{font-style:italic;opacity:.8}
.aav-required{color:#c62828;font-weight:700}
.aav-type{font-family:monospace;color:#6a1b9a}
.aav-ref{font-family:monospace;opacity:.65}
.aav-warn{color:#e65100}
.aav-cycle{color:#00838f}
.aav-constraint{font-size:.85em;border:1px solid rgba(127,127,127,.3);border-radius:3px;padding:0 4px}
.aav-kv{margin:0}
.aav-kv-row{display:flex;gap:8px}
.aav-kv-row dt{font-family:monospace;min-width:120px;opacity:.85}
.aav-kv-row dd{margin:0;flex:1;min-width:0}
.aav-binding{margin:4px 0}
.aav-binding>.aav-badge{margin:0 0 2px}
.aav-pre{margin:2px 0;padding:6px;overflow:auto;max-height:320px;background:rgba(127,127,127,.1);border-radius:4px;font-size:.85em}
.aav-tags{display:flex;gap:4px;flex-wrap:wrap;margin:4px 0}
.aav-tag{font-size:.8em;background:rgba(127,127,127,.15);border-radius:3px;padding:0 6px}
.aav-md p{margin:4px 0}
.aav-md-inline,.aav-md-inline p{display:inline;margin:0}
.aav-error{border:1px solid #c62828;background:rgba(198,40,40,.08);border-radius:4px;padding:12px}
.aav-warning{border-left:3px solid #e65100;padding-left:8px;margin:4px 0}
.aav-more{display:flex;gap:8px;margin:8px 0}
.aav-button{font:inherit;color:inherit;background:transparent;border:1px solid rgba(127,127,127,.5);border-radius:4px;padding:4px 12px;cursor:pointer}
`;
