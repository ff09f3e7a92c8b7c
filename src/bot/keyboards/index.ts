export { cancelKeyboard, mainMenuKeyboard, retryKeyboard } from "./common.js";
