export { type ChannelChooser, chooseChannels } from "./channel-chooser.js";
export { forEachPickedChannel, type PickedChannel, pickChannel } from "./channel-picker.js";
export { flowNow } from "./clock.js";
export type { Flow } from "./flow.js";
export {
  type ActionOutcome,
  choosePeriod,
  operatorZone,
  type PeriodScreen,
  type PeriodScreenAction,
  periodLine,
  periodReport,
  sendBelow,
  showPeriodScreen,
  totalLine,
} from "./periods.js";
export { fetchWithRetry } from "./retry.js";
export { Screen, type ScreenAnswer, type ScreenOptions, type View } from "./screen.js";
