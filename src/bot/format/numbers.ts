// Money, counts and changes are shared with the digest and the charts, so they live below the bot.
export * from "../../format/numbers.js";
