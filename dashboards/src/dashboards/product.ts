import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as geomap from '@grafana/grafana-foundation-sdk/geomap';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import {
  DASHBOARD_UIDS,
  API_PLAN_TRAFFIC_RATE,
  CONSUMER_PLAN_TRAFFIC_RATE,
  COUNTRY_TRAFFIC_RATE,
  ERROR_STATUS_CLASS,
  PLANS,
  PLAN_TRAFFIC_RATE,
  PROM,
  activeConsumers,
  activeConsumersRaw,
  apiRequestRate,
  grafanaVar,
  newConsumers,
  newConsumersRaw,
  recordedSelector,
  recordedSum,
  requestRate,
  requestRateOffset,
  slaAttainment,
  topConsumers,
  topk,
  trafficErrorRate,
  trafficIncrease,
  trafficRate,
  type Matchers,
} from '@api-observatory/telemetry-contract';
import { PLAN_SLA_OBJECTIVES, SLA_RESOLUTION, SLA_WINDOW, TOP_K, WOW_OFFSET } from '../config';
import { DashboardDoc } from '../lib/spec';
import { PACK_TAG, dashboardUrl, packLinks } from '../lib/links';
import { L, legend } from '../lib/names';
import { vars } from '../lib/variables';
import { DEVELOPER_UID } from './developer';

export const PRODUCT_UID = DASHBOARD_UIDS.product;

const API = L('api');
const PLAN = L('plan');
const CONSUMER = L('consumer');
const TENANT = L('tenant');
const COUNTRY = L('country');

const v = (name: string) => grafanaVar(name);
/** Filters of the raw span-derived series: every product variable applies. */
const spanFilter: Matchers = { [API]: v('api'), [PLAN]: v('plan'), [TENANT]: v('tenant'), [CONSUMER]: v('consumer') };
/** Recorded consumer × plan series carry only consumer and plan. */
const consumerPlanFilter: Matchers = { [PLAN]: v('plan'), [CONSUMER]: v('consumer') };
const RANGE = '$__range';
const percentOfRange = 'the dashboard time range ($__range)';

export function productDashboard(): DashboardDoc {
  const d = new DashboardDoc({
    uid: PRODUCT_UID,
    title: 'API Observatory / API product',
    folder: 'product',
    description: 'Business KPIs of the API program: traffic and active consumers week over week, plans, countries, SLA attainment, errors and metering-ready usage per consumer.',
    tags: [PACK_TAG, 'product'],
    time: { from: 'now-24h', to: 'now' },
  });
  for (const variable of [vars.prometheus(), vars.api(), vars.plan(), vars.tenant(), vars.consumer(), vars.backstageUrl()]) d.builder.withVariable(variable);
  for (const l of packLinks({ backstage: true })) d.builder.link(l);

  const requests = recordedSum(apiRequestRate('5m'), { filter: { [API]: v('api') } });
  const requestsLastWeek = recordedSum(apiRequestRate('5m'), { filter: { [API]: v('api') }, offset: WOW_OFFSET });

  // ── Traffic ───────────────────────────────────────────────────────────────────────────────────
  d.row('Traffic, week over week');
  d.timeseries({
    title: 'Requests per second, this week vs last week',
    doc: {
      what: `Requests per second the gateways served for the selected APIs, and the same time ${WOW_OFFSET} earlier (dashed) for week-over-week comparison.`,
      unit: 'requests per second',
      window: `5m rate (recorded series), the comparison shifted by offset ${WOW_OFFSET}`,
      source: `${apiRequestRate('5m')} (recorded from ${PROM.requests}, gateway scrape; all gateways)`,
    },
    unit: 'reqps',
    w: 12,
    queries: [
      { expr: requests, raw: requestRate({ filter: { [API]: v('api') }, window: '5m' }), legend: 'this week' },
      { expr: requestsLastWeek, raw: requestRateOffset(WOW_OFFSET, { filter: { [API]: v('api') }, window: '5m' }), legend: 'last week' },
    ],
    configure: (b) => b.overrideByName('last week', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
  });
  d.timeseries({
    title: 'Active consumers, this week vs last week',
    doc: {
      what: `Consumers (calling applications) with at least one request in the last 5 minutes, for the selected plans and consumers, and the same ${WOW_OFFSET} earlier (dashed).`,
      unit: 'consumers',
      window: `5m rate > 0 (recorded series), the comparison shifted by offset ${WOW_OFFSET}`,
      source: `${CONSUMER_PLAN_TRAFFIC_RATE} (recorded from ${PROM.trafficCalls}, span metrics)`,
    },
    unit: 'short',
    w: 12,
    queries: [
      { expr: activeConsumers({ filter: consumerPlanFilter }), raw: activeConsumersRaw({ filter: consumerPlanFilter, window: '5m' }), legend: 'this week' },
      {
        expr: activeConsumers({ filter: consumerPlanFilter, offset: WOW_OFFSET }),
        raw: activeConsumersRaw({ filter: consumerPlanFilter, window: '5m', offset: WOW_OFFSET }),
        legend: 'last week',
        sparse: 'a consumer that is new this week has no line a week ago',
      },
    ],
    configure: (b) => b.overrideByName('last week', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
  });
  d.stat({
    title: 'Active consumers now',
    doc: { what: 'Consumers with at least one request in the last 5 minutes (selected plans and consumers).', unit: 'consumers', window: '5m rate > 0 (recorded series), at the end of the range', source: `${CONSUMER_PLAN_TRAFFIC_RATE} (recorded, span metrics)` },
    unit: 'short',
    w: 6,
    h: 5,
    queries: [{ expr: activeConsumers({ filter: consumerPlanFilter }), raw: activeConsumersRaw({ filter: consumerPlanFilter, window: '5m' }), instant: true }],
  });
  d.stat({
    title: 'New consumers in range',
    doc: {
      what: `Consumers with traffic within ${percentOfRange} that had none in the ${WOW_OFFSET} before it (selected plans).`,
      unit: 'consumers',
      window: `max over ${percentOfRange} vs the ${WOW_OFFSET} before it (recorded series)`,
      source: `${CONSUMER_PLAN_TRAFFIC_RATE} (recorded, span metrics)`,
    },
    unit: 'short',
    w: 6,
    h: 5,
    queries: [
      {
        expr: newConsumers({ filter: { [PLAN]: v('plan') }, range: RANGE, lookback: WOW_OFFSET }),
        raw: newConsumersRaw({ filter: { [PLAN]: v('plan') }, range: RANGE, lookback: WOW_OFFSET }),
        instant: true,
      },
    ],
  });
  d.stat({
    title: 'Requests per second now vs last week',
    doc: { what: `Requests per second of the selected APIs now, with the change against the same time ${WOW_OFFSET} earlier.`, unit: 'requests per second', window: '5m rate (recorded series)', source: `${apiRequestRate('5m')} (recorded, gateway scrape)` },
    unit: 'reqps',
    w: 12,
    h: 5,
    queries: [
      { expr: requests, raw: requestRate({ filter: { [API]: v('api') }, window: '5m' }), legend: 'now', instant: true },
      { expr: requestsLastWeek, raw: requestRateOffset(WOW_OFFSET, { filter: { [API]: v('api') }, window: '5m' }), legend: 'last week', instant: true },
    ],
  });

  // ── Consumers and plans ───────────────────────────────────────────────────────────────────────
  d.row('Consumers and plans');
  d.table({
    title: 'Top consumers by plan',
    doc: { what: `The ${TOP_K} consumers with the most requests per second right now, with their plan; click a consumer for its developer view.`, unit: 'requests per second', window: '5m rate (recorded series), at the end of the range', source: `${CONSUMER_PLAN_TRAFFIC_RATE} (recorded, span metrics)` },
    unit: 'reqps',
    w: 12,
    h: 9,
    queries: [
      {
        expr: topk(TOP_K, recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE, consumerPlanFilter)),
        raw: topConsumers(TOP_K, { filter: consumerPlanFilter, by: [PLAN], window: '5m' }),
        instant: true,
        table: true,
      },
    ],
    configure: (b) =>
      b
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'req/s' } } })
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('req/s').desc(true)])
        .overrideByName(CONSUMER, [
          { id: 'links', value: [{ title: 'Developer view of ${__data.fields.consumer}', url: dashboardUrl(DEVELOPER_UID, { consumer: `\${__data.fields.${CONSUMER}}` }) }] },
        ]),
  });
  d.piechart({
    title: 'Plan mix',
    doc: { what: 'Share of requests per plan right now (all APIs and consumers).', unit: 'requests per second (shown as share)', window: '5m rate (recorded series), at the end of the range', source: `${PLAN_TRAFFIC_RATE} (recorded, span metrics)` },
    unit: 'reqps',
    w: 6,
    h: 9,
    queries: [{ expr: recordedSum(PLAN_TRAFFIC_RATE, { filter: { [PLAN]: v('plan') }, by: [PLAN] }), raw: trafficRate({ filter: { [PLAN]: v('plan') }, by: [PLAN], window: '5m' }), legend: legend([PLAN]), instant: true }],
    configure: (b) => b.pieType(piechart.PieChartType.Donut).displayLabels([piechart.PieChartLabels.Percent]),
  });
  d.geomap({
    title: 'Traffic by country',
    doc: { what: 'Requests per second by the client’s country (ISO 3166-1 alpha-2 code, placed with Grafana’s countries gazetteer); bubble size and colour follow the rate.', unit: 'requests per second', window: '5m rate (recorded series), at the end of the range', source: `${COUNTRY_TRAFFIC_RATE} (recorded from ${PROM.trafficCalls}, span metrics)` },
    unit: 'reqps',
    w: 6,
    h: 9,
    queries: [{ expr: recordedSum(COUNTRY_TRAFFIC_RATE, { by: [COUNTRY] }), raw: trafficRate({ by: [COUNTRY], window: '5m' }), instant: true, table: true }],
    configure: (b) =>
      b
        .view(new geomap.MapViewConfigBuilder().id('zero').lat(20).lon(0).zoom(1))
        .basemap(new common.MapLayerOptionsBuilder().type('default').name('Basemap'))
        .layers([
          new common.MapLayerOptionsBuilder()
            .type('markers')
            .name('Requests by country')
            .location(new common.FrameGeometrySourceBuilder().mode(common.FrameGeometrySourceMode.Lookup).lookup(COUNTRY).gazetteer('public/gazetteer/countries.json'))
            .config({
              showLegend: true,
              style: { size: { field: 'Value', fixed: 5, min: 4, max: 30 }, color: { field: 'Value', fixed: 'dark-green' }, opacity: 0.6 },
            })
            .tooltip(true),
        ]),
  });
  d.timeseries({
    title: 'Requests per second by API and plan',
    doc: { what: 'Requests per second per API, split by the consumers’ plan.', unit: 'requests per second', window: '5m rate (recorded series)', source: `${API_PLAN_TRAFFIC_RATE} (recorded, span metrics)` },
    unit: 'reqps',
    w: 24,
    queries: [
      {
        expr: recordedSum(API_PLAN_TRAFFIC_RATE, { filter: { [API]: v('api'), [PLAN]: v('plan') }, by: [API, PLAN] }),
        raw: trafficRate({ filter: { [API]: v('api'), [PLAN]: v('plan') }, by: [API, PLAN], window: '5m' }),
        legend: legend([API, PLAN]),
      },
    ],
    configure: (b) => b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
  });

  // ── Quality and usage ─────────────────────────────────────────────────────────────────────────
  d.row('SLA, errors and usage');
  d.bargauge({
    title: 'SLA attainment per plan',
    doc: {
      what: `For the selected plans, APIs, tenants and consumers: share of ${SLA_RESOLUTION}-spaced moments within ${percentOfRange} at which the plan met its SLA: at least ${PLANS.map((p) => `${(PLAN_SLA_OBJECTIVES[p] * 100).toFixed(1)} % (${p})`).join(', ')} of its calls over the preceding ${SLA_WINDOW} not answered ${ERROR_STATUS_CLASS}. Moments without traffic do not count.`,
      unit: 'percent of time',
      window: `${SLA_WINDOW} availability, evaluated every ${SLA_RESOLUTION} over $__range`,
      source: `${PROM.trafficCalls} (span metrics)`,
    },
    unit: 'percentunit',
    w: 8,
    h: 8,
    queries: PLANS.map((p) => ({
      // One target per plan (each has its own objective); `$plan` still hides the plans not selected.
      expr: slaAttainment(PLAN_SLA_OBJECTIVES[p], { filter: { ...spanFilter, [PLAN]: [p, v('plan')] }, by: [PLAN], window: SLA_WINDOW, range: RANGE, resolution: SLA_RESOLUTION }),
      legend: legend([PLAN]),
      instant: true,
      sparse: 'a plan not selected in $plan has no bar',
    })),
    configure: (b) =>
      b
        .min(0)
        .max(1)
        .orientation(common.VizOrientation.Horizontal)
        .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([{ value: null, color: 'red' }, { value: 0.95, color: 'orange' }, { value: 0.99, color: 'green' }])),
  });
  d.timeseries({
    title: '5xx per second by consumer (top 10)',
    doc: { what: `Requests per second answered ${ERROR_STATUS_CLASS} for the ${TOP_K} consumers with the most, for the selected APIs, plans, tenants and consumers.`, unit: 'requests per second', window: '$__rate_interval', source: `${PROM.trafficCalls} (span metrics), ${L('statusClass')}="${ERROR_STATUS_CLASS}"` },
    unit: 'reqps',
    w: 16,
    h: 8,
    queries: [
      {
        expr: topk(TOP_K, trafficErrorRate({ filter: spanFilter, by: [CONSUMER] })),
        legend: legend([CONSUMER]),
        sparse: 'a single consumer of one API can go several minutes without a 5xx',
      },
    ],
  });
  d.table({
    title: 'Usage per consumer (metering)',
    doc: {
      what: `Requests each consumer made within ${percentOfRange}, per plan and tenant: metering-ready counts for quotas and billing (Prometheus’ increase() extrapolates to the range edges, so counts are estimates within a fraction of a percent over long ranges).`,
      unit: 'requests',
      window: 'increase over $__range',
      source: `${PROM.trafficCalls} (span metrics)`,
    },
    unit: 'short',
    w: 24,
    h: 9,
    queries: [{ expr: trafficIncrease({ filter: spanFilter, by: [CONSUMER, PLAN, TENANT], window: RANGE }), instant: true, table: true }],
    configure: (b) =>
      b
        .decimals(0)
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'requests' } } })
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('requests').desc(true)]),
  });
  return d;
}
