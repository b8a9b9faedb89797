export const testIds = {
  appConfig: {
    form: 'data-testid ac-form',
    prometheusUid: 'data-testid ac-prometheus-uid',
    lokiUid: 'data-testid ac-loki-uid',
    tempoUid: 'data-testid ac-tempo-uid',
    backstageUrl: 'data-testid ac-backstage-url',
    gateConfig: 'data-testid ac-gate-config',
    gateErrors: 'data-testid ac-gate-errors',
    canaryInterval: 'data-testid ac-canary-interval',
    canaryLookback: 'data-testid ac-canary-lookback',
    windowErrors: 'data-testid ac-window-errors',
    submit: 'data-testid ac-submit',
  },
};
