export { cancelKeyboard, mainMenuKeyboard, ownMainMenu, retryKeyboard } from "./common.js";
