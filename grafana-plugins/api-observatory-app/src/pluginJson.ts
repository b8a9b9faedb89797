/**
 * plugin.json's page entries, generated from the page registry (`pages.ts`): Grafana reads the app's
 * navigation from plugin.json statically, so the build writes one `page` include per registry entry, in
 * the registry's order, before the entries `src/plugin.json` keeps (the configuration page). A new persona
 * page is therefore one registry entry; `src/plugin.json` lists no persona page itself.
 */
import { PAGE_REGISTRY } from './pages';

export interface PluginInclude {
  type: string;
  name: string;
  path: string;
  role?: string;
  addToNav?: boolean;
  defaultNav?: boolean;
}

/** The registry's pages as plugin.json includes; the first page is the app's default page. */
export function pageIncludes(registry: Readonly<Record<string, { title: string }>> = PAGE_REGISTRY): PluginInclude[] {
  return Object.entries(registry).map(([id, def], i) => ({ type: 'page', name: def.title, path: `/a/%PLUGIN_ID%/${id}`, addToNav: true, defaultNav: i === 0 }));
}

const isAppPage = (i: PluginInclude) => i.type === 'page' && i.path.startsWith('/a/');

/**
 * `src/plugin.json` as dist ships it: the registry's pages, then the includes of the source file. A page
 * entry written by hand in the source file is refused, so the registry stays the only list.
 */
export function withPageIncludes<T extends { includes?: PluginInclude[] }>(source: T, registry: Readonly<Record<string, { title: string }>> = PAGE_REGISTRY): Omit<T, 'includes'> & { includes: PluginInclude[] } {
  const own = source.includes ?? [];
  const written = own.filter(isAppPage);
  if (written.length > 0) {
    throw new Error(`src/plugin.json lists app pages (${written.map((i) => i.path).join(', ')}): they are generated from the page registry (src/pages.ts); remove them there`);
  }
  return { ...source, includes: [...pageIncludes(registry), ...own] };
}
