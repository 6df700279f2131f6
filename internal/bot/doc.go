// Package bot is FlowDeck's conversation logic: what the bot does with every
// activity Teams sends to POST /api/messages. It stores conversation
// references on install and on every message, signs users in with Teams SSO
// (the OAuth card, signin/tokenExchange with an On-Behalf-Of exchange per
// audience, signin/verifyState), parses chat commands (case, quotes, partial
// names, mentions and Teams' HTML forgiven), runs them through internal/ops,
// and answers with the cards of internal/cards.
//
// Messages are acknowledged at once and answered asynchronously through the
// Bot Connector; invokes are answered synchronously. In group chats and
// channels the bot answers @mentions only and sends a user's data to their
// personal chat, unless the user adds "post".
//
// The bot answers no Action.Execute itself: the botframework endpoint hands
// every adaptiveCard/action invoke to the card-action router
// (internal/cardaction), which calls back RerunCommand for the pick and
// More buttons and AnswerCard for answers holding a user's data (in a group,
// they go to the user's personal chat, as the chat commands' answers do).
package bot
