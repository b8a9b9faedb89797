import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as geomap from '@grafana/grafana-foundation-sdk/geomap';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import { DASHBOARD_UIDS } from '@api-observatory/telemetry-contract';
import { L, PRODUCT_PANELS } from '@api-observatory/telemetry-contract/grafana';
import { DashboardDoc } from '../lib/spec';
import { PACK_TAG, packLinks } from '../lib/links';
import { vars } from '../lib/variables';

export const PRODUCT_UID = DASHBOARD_UIDS.product;

const P = PRODUCT_PANELS.panels;

const COUNTRY = L('country');

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

  // ── Traffic ───────────────────────────────────────────────────────────────────────────────────
  d.row('Traffic, week over week');
  d.timeseries(P.requestsPerSecondThisWeekVsLastWeek, (b) => b.overrideByName('last week', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]));
  d.timeseries(P.activeConsumersThisWeekVsLastWeek, (b) => b.overrideByName('last week', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]));
  d.stat(P.activeConsumersNow);
  d.stat(P.newConsumersInRange);
  d.stat(P.requestsPerSecondNowVsLastWeek);

  // ── Consumers and plans ───────────────────────────────────────────────────────────────────────
  d.row('Consumers and plans');
  d.table(P.topConsumersByPlan, (b) =>
      b
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'req/s' } } })
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('req/s').desc(true)]));
  d.piechart(P.planMix, (b) => b.pieType(piechart.PieChartType.Donut).displayLabels([piechart.PieChartLabels.Percent]));
  d.geomap(P.trafficByCountry, (b) =>
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
        ]));
  d.timeseries(P.requestsPerSecondByApiAndPlan, (b) => b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)));

  // ── Quality and usage ─────────────────────────────────────────────────────────────────────────
  d.row('SLA, errors and usage');
  d.bargauge(P.slaAttainmentPerPlan, (b) =>
      b
        .min(0)
        .max(1)
        .orientation(common.VizOrientation.Horizontal)
        .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([{ value: null, color: 'red' }, { value: 0.95, color: 'orange' }, { value: 0.99, color: 'green' }])));
  d.timeseries(P.errorsPerSecondByConsumerTop);
  d.table(P.usagePerConsumerMetering, (b) =>
      b
        .decimals(0)
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'requests' } } })
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('requests').desc(true)]));
  return d;
}
