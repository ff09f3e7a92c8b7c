export { cancelKeyboard, mainMenuKeyboard, ownMainMenu, retryKeyboard } from "./common.js";
export { type ButtonSpec, settingsKeyboard } from "./settings.js";
