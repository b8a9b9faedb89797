import {
  API_PLAN_TRAFFIC_RATE,
  CONSUMER_PLAN_TRAFFIC_RATE,
  COUNTRY_TRAFFIC_RATE,
  PLAN_TRAFFIC_RATE,
  PROM,
  activeConsumers,
  apiRequestRate,
  recordedSelector,
  recordedSum,
  topk,
  trafficIncrease,
  trafficRate,
} from '@api-observatory/telemetry-contract';
import { PAGES, VAR } from '../constants';
import { appPageDataLink } from '../lib/links';
import { F, L } from './filters';
import { legend, type PanelSpec } from './spec';

/** Week-over-week offset and top-k, as in the product dashboard's config. */
export const WOW_OFFSET = '1w';
export const TOP_K = 10;

const field = (name: string) => `\${__data.fields.${name}}`;
/** Drill-down links: plan → consumer → API, each keeping the variables chosen so far. */
const toPlan = appPageDataLink(PAGES.product, { [VAR.plan]: field(L.plan) });
const toConsumer = appPageDataLink(PAGES.product, { [VAR.plan]: field(L.plan), [VAR.consumer]: field(L.consumer) });
const toApi = appPageDataLink(PAGES.developer, { [VAR.api]: field(L.api), [VAR.consumer]: `\${${VAR.consumer}}` });

export function productPanels(): PanelSpec[] {
  return [
    {
      key: 'product.requestsWow',
      title: 'Requests per second, this week vs last week',
      description: `Requests per second for the selected APIs, and the same time ${WOW_OFFSET} earlier. Source: ${apiRequestRate('5m')} (recorded), offset ${WOW_OFFSET} for last week.`,
      viz: 'timeseries',
      unit: 'reqps',
      w: 12,
      targets: [
        { refId: 'A', expr: recordedSum(apiRequestRate('5m'), { filter: F.api }), legend: 'this week' },
        { refId: 'B', expr: recordedSum(apiRequestRate('5m'), { filter: F.api, offset: WOW_OFFSET }), legend: 'last week' },
      ],
    },
    {
      key: 'product.consumersWow',
      title: 'Active consumers, this week vs last week',
      description: `Consumers with at least one request in the last 5 minutes (selected plans and consumers), and ${WOW_OFFSET} earlier. Source: ${CONSUMER_PLAN_TRAFFIC_RATE} (recorded, span metrics).`,
      viz: 'timeseries',
      unit: 'short',
      w: 12,
      targets: [
        { refId: 'A', expr: activeConsumers({ filter: F.consumerPlan }), legend: 'this week' },
        { refId: 'B', expr: activeConsumers({ filter: F.consumerPlan, offset: WOW_OFFSET }), legend: 'last week' },
      ],
    },
    {
      key: 'product.plans',
      title: 'Plans (click to drill down)',
      description: `Requests per second per commercial plan right now; click a plan to see its consumers. Source: ${PLAN_TRAFFIC_RATE} (recorded, span metrics).`,
      viz: 'table',
      unit: 'reqps',
      w: 8,
      targets: [{ refId: 'A', expr: recordedSum(PLAN_TRAFFIC_RATE, { filter: { [L.plan]: F.consumerPlan[L.plan] }, by: [L.plan] }), instant: true, table: true }],
      fieldLinks: [{ field: L.plan, title: 'Consumers of plan ${__data.fields.plan}', url: toPlan }],
    },
    {
      key: 'product.consumers',
      title: `Top ${TOP_K} consumers of the selected plans (click to drill down)`,
      description: `The consumers with the most requests per second right now, with their plan; click one to see its APIs. Source: ${CONSUMER_PLAN_TRAFFIC_RATE} (recorded).`,
      viz: 'table',
      unit: 'reqps',
      w: 8,
      targets: [{ refId: 'A', expr: topk(TOP_K, recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE, F.consumerPlan)), instant: true, table: true }],
      fieldLinks: [{ field: L.consumer, title: 'APIs used by ${__data.fields.consumer}', url: toConsumer }],
    },
    {
      key: 'product.consumerApis',
      title: 'APIs used by the selected consumers (click for the developer view)',
      description: `Requests per second per API and plan for the selected plans and consumers. Source: ${PROM.trafficCalls} (span metrics).`,
      viz: 'table',
      unit: 'reqps',
      w: 8,
      targets: [{ refId: 'A', expr: trafficRate({ filter: F.span, by: [L.api, L.plan] }), instant: true, table: true }],
      fieldLinks: [{ field: L.api, title: 'Developer view of ${__data.fields.api}', url: toApi }],
    },
    {
      key: 'product.apiPlan',
      title: 'Requests per second by API and plan',
      description: `Requests per second per API, split by the consumers’ plan. Source: ${API_PLAN_TRAFFIC_RATE} (recorded).`,
      viz: 'timeseries',
      unit: 'reqps',
      w: 12,
      targets: [{ refId: 'A', expr: recordedSum(API_PLAN_TRAFFIC_RATE, { filter: { [L.api]: F.api[L.api], [L.plan]: F.consumerPlan[L.plan] }, by: [L.api, L.plan] }), legend: legend([L.api, L.plan]) }],
    },
    {
      key: 'product.geo',
      title: 'Traffic by country',
      description: `Requests per second by the client’s country (ISO 3166-1 alpha-2, placed with Grafana’s countries gazetteer). Source: ${COUNTRY_TRAFFIC_RATE} (recorded).`,
      viz: 'geomap',
      unit: 'reqps',
      w: 12,
      targets: [{ refId: 'A', expr: recordedSum(COUNTRY_TRAFFIC_RATE, { by: [L.country] }), instant: true, table: true }],
    },
    {
      key: 'product.metering',
      title: 'Usage per consumer in the range (metering)',
      description: `Requests each consumer made within the time range, per plan (increase over $__range). Source: ${PROM.trafficCalls}.`,
      viz: 'table',
      unit: 'short',
      w: 24,
      targets: [{ refId: 'A', expr: trafficIncrease({ filter: F.span, by: [L.consumer, L.plan], window: '$__range' }), instant: true, table: true }],
    },
  ];
}
