// The demo chat page: renders the chat the server streams, and sends what the demo user types or taps.
// Message HTML comes from the server, built only from Telegram's entity subset with every text escaped.

const $ = (id) => document.getElementById(id);
const history = $("history");
const list = $("messages");
const empty = $("empty");
const input = $("input");
const sendButton = $("send-button");
const menuButton = $("menu-button");
const commandMenu = $("command-menu");
const status = $("bot-status");
const toast = $("toast");

/** The demo user this page acts as (`?as=<id>`); every request names them. */
const as = new URLSearchParams(location.search).get("as");
const api = (path) => (as === null ? path : `${path}?as=${encodeURIComponent(as)}`);

/** Message id → its element, kept in id order in the list. */
const rendered = new Map();
/** Callback query id → the button waiting for the bot's answer. */
const pendingKeys = new Map();
let commands = [];
let typingTimer;
let toastTimer;
let activeCommand = -1;

// ---- Talking to the server ----

async function post(path, body) {
  const response = await fetch(api(path), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const result = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(result.error || `HTTP ${response.status}`);
  return result;
}

async function sendText(text) {
  if (text.trim() === "") return;
  closeMenu();
  try {
    await post("/api/send", { text });
  } catch (error) {
    showToast(`Not sent: ${error.message}`);
    if (input.value === "") setInput(text);
  }
}

async function click(key, messageId, data) {
  if (key.classList.contains("pending")) return;
  key.classList.add("pending");
  try {
    const { callbackQueryId } = await post("/api/click", { messageId, data });
    pendingKeys.set(callbackQueryId, key);
    // Telegram stops the spinner after a while even if the bot never answers.
    setTimeout(() => settleKey(callbackQueryId), 15_000);
  } catch (error) {
    key.classList.remove("pending");
    showToast(error.message);
  }
}

function settleKey(callbackQueryId) {
  pendingKeys.get(callbackQueryId)?.classList.remove("pending");
  pendingKeys.delete(callbackQueryId);
}

// ---- Rendering ----

function timeOf(message) {
  return new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function keyboardOf(message) {
  const keyboard = document.createElement("div");
  keyboard.className = "keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "keyboard-row";
    for (const button of row) {
      let key;
      if (button.kind === "url") {
        key = document.createElement("a");
        key.href = button.url;
        key.target = "_blank";
        key.rel = "noopener noreferrer";
        key.className = "key url";
      } else {
        key = document.createElement("button");
        key.type = "button";
        key.className = button.kind === "callback" ? "key" : "key inert";
        if (button.kind === "callback")
          key.addEventListener("click", () => click(key, message.id, button.data));
      }
      key.textContent = button.text;
      key.title = button.text;
      line.append(key);
    }
    keyboard.append(line);
  }
  return keyboard;
}

/** A photo shown in the bubble, or a document offered as a download, as Telegram shows them. */
function mediaOf(media) {
  if (media.kind === "photo") {
    const image = document.createElement("img");
    image.className = "photo";
    image.src = media.url;
    image.alt = media.fileName;
    if (media.width > 0) {
      image.width = media.width;
      image.height = media.height;
    }
    return image;
  }
  const link = document.createElement("a");
  link.className = "document";
  link.href = media.url;
  link.download = media.fileName;
  const name = document.createElement("span");
  name.className = "document-name";
  name.textContent = media.fileName;
  const size = document.createElement("span");
  size.className = "document-size";
  size.textContent = sizeOf(media.size);
  link.append(name, size);
  return link;
}

function sizeOf(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function elementOf(message) {
  const element = document.createElement("div");
  element.className = `message ${message.from === "bot" ? "in" : "out"}`;
  element.dataset.id = String(message.id);
  const bubble = document.createElement("div");
  bubble.className = `bubble ${message.from === "bot" ? "in" : "out"}`;
  if (message.media) bubble.append(mediaOf(message.media));
  const text = document.createElement("div");
  text.className = "text";
  text.innerHTML = message.html;
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = message.edited ? `edited ${timeOf(message)}` : timeOf(message);
  text.dataset.meta = meta.textContent;
  bubble.append(text, meta);
  element.append(bubble);
  if (message.buttons.length > 0) element.append(keyboardOf(message));
  return element;
}

function nearBottom() {
  return history.scrollHeight - history.scrollTop - history.clientHeight < 80;
}

function scrollToBottom() {
  history.scrollTop = history.scrollHeight;
}

function upsert(message) {
  const follow = nearBottom() || message.from === "user";
  const element = elementOf(message);
  const existing = rendered.get(message.id);
  if (existing) {
    existing.replaceWith(element);
  } else {
    const after = [...rendered.keys()].filter((id) => id > message.id).sort((a, b) => a - b)[0];
    list.insertBefore(element, after === undefined ? null : rendered.get(after));
  }
  rendered.set(message.id, element);
  empty.hidden = true;
  if (follow) scrollToBottom();
}

function remove(id) {
  const element = rendered.get(id);
  if (!element) return;
  rendered.delete(id);
  element.classList.add("leaving");
  element.addEventListener("animationend", () => element.remove(), { once: true });
  empty.hidden = rendered.size > 0;
}

function showToast(text) {
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 2500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").showModal();
}

function setStatus(text, typing = false) {
  status.textContent = text;
  status.classList.toggle("typing", typing);
}

function showState(state) {
  $("bot-name").textContent = state.bot.name;
  $("bot-avatar").textContent = (state.bot.name.trim()[0] || "B").toUpperCase();
  document.title = `${state.bot.name} · demo chat`;
  const { credentials } = state;
  if (credentials) {
    $("client-id").textContent = credentials.clientId;
    $("token").textContent = credentials.token;
    $("credential-client").onclick = () => setInput(credentials.clientId);
    $("credential-token").onclick = () => setInput(credentials.token);
  }
  $("pinned").hidden = !credentials;
  showUsers(state.users, state.user);
  for (const element of rendered.values()) element.remove();
  rendered.clear();
  for (const message of state.messages) upsert(message);
  empty.hidden = state.messages.length > 0;
  commands = state.commands;
  scrollToBottom();
}

/** Switching between the demo users: the owner, and a teammate who joins with the owner's invitation. */
function showUsers(users, current) {
  const switcher = $("user-switch");
  switcher.replaceChildren();
  switcher.hidden = users.length < 2;
  for (const user of users) {
    const link = document.createElement("a");
    link.href = user.id === users[0].id ? "/" : `/?as=${user.id}`;
    link.textContent = user.name;
    link.className = "user-choice";
    if (user.id === current.id) link.setAttribute("aria-current", "page");
    switcher.append(link);
  }
}

// ---- Live updates ----

function connect() {
  const events = new EventSource(api("/api/events"));
  events.addEventListener("open", async () => {
    setStatus("bot");
    // Every (re)connection reloads the chat, so nothing that happened while away is missed.
    const response = await fetch(api("/api/state"));
    if (response.ok) showState(await response.json());
  });
  events.addEventListener("error", () => setStatus("connecting…"));
  const on = (name, handle) => events.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  on("message", (message) => {
    if (message.from === "bot") {
      clearTimeout(typingTimer);
      setStatus("bot");
    }
    upsert(message);
  });
  on("edit", upsert);
  on("delete", ({ id }) => remove(id));
  on("commands", (list) => {
    commands = list;
  });
  on("callbackAnswer", (answer) => {
    settleKey(answer.id);
    if (answer.text && answer.showAlert) showAlert(answer.text);
    else if (answer.text) showToast(answer.text);
  });
  on("chatAction", ({ action }) => {
    if (action !== "typing") return;
    setStatus("typing…", true);
    clearTimeout(typingTimer);
    // Telegram shows a chat action for five seconds or until the next message.
    typingTimer = setTimeout(() => setStatus("bot"), 5000);
  });
}

// ---- Composer and command menu ----

function setInput(text) {
  input.value = text;
  input.dispatchEvent(new Event("input"));
  input.focus();
}

function resizeInput() {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function matchingCommands() {
  const typed = input.value;
  if (!commandMenu.dataset.fromButton && !/^\/\w*$/.test(typed)) return [];
  const prefix = commandMenu.dataset.fromButton ? "" : typed.slice(1).toLowerCase();
  return commands.filter((c) => c.command.startsWith(prefix));
}

function renderMenu() {
  const shown = matchingCommands();
  commandMenu.replaceChildren();
  shown.forEach((command, index) => {
    const item = document.createElement("button");
    item.type = "button";
    item.className = index === activeCommand ? "menu-item active" : "menu-item";
    item.setAttribute("role", "option");
    const name = document.createElement("span");
    name.className = "menu-item-name";
    name.textContent = `/${command.command}`;
    const description = document.createElement("span");
    description.className = "menu-item-description";
    description.textContent = command.description;
    item.append(name, description);
    item.addEventListener("click", () => {
      setInput("");
      sendText(`/${command.command}`);
    });
    commandMenu.append(item);
  });
  commandMenu.hidden = shown.length === 0;
  menuButton.setAttribute("aria-expanded", String(!commandMenu.hidden));
}

function closeMenu() {
  delete commandMenu.dataset.fromButton;
  activeCommand = -1;
  commandMenu.hidden = true;
  menuButton.setAttribute("aria-expanded", "false");
}

function submit() {
  const text = input.value;
  if (text.trim() === "") return;
  setInput("");
  sendText(text);
}

input.addEventListener("input", () => {
  sendButton.disabled = input.value.trim() === "";
  resizeInput();
  delete commandMenu.dataset.fromButton;
  activeCommand = -1;
  renderMenu();
});

input.addEventListener("keydown", (event) => {
  const shown = commandMenu.hidden ? [] : matchingCommands();
  if (shown.length > 0 && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    activeCommand = (activeCommand + step + shown.length) % shown.length;
    renderMenu();
    return;
  }
  if (event.key === "Escape") {
    closeMenu();
    return;
  }
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    const chosen = shown[activeCommand];
    if (chosen) {
      setInput("");
      sendText(`/${chosen.command}`);
    } else {
      submit();
    }
  }
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});

menuButton.addEventListener("click", () => {
  if (!commandMenu.hidden) {
    closeMenu();
    return;
  }
  commandMenu.dataset.fromButton = "yes";
  renderMenu();
});

document.addEventListener("click", (event) => {
  if (!commandMenu.hidden && !event.target.closest(".command-menu, #menu-button, #input")) closeMenu();
});

// Commands in the bot's text send themselves; spoilers reveal on tap, as in Telegram.
list.addEventListener("click", (event) => {
  const command = event.target.closest("a.command");
  if (command) {
    event.preventDefault();
    sendText(command.dataset.command);
    return;
  }
  event.target.closest(".spoiler")?.classList.add("revealed");
});

$("start-button").addEventListener("click", () => sendText("/start"));
$("alert-ok").addEventListener("click", () => $("alert").close());

connect();
