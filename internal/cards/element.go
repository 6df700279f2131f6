package cards

import "encoding/json"

// Card constants.
const (
	// Schema is the Adaptive Card JSON schema URL put in $schema.
	Schema = "http://adaptivecards.io/schemas/adaptive-card.json"
	// Version is the schema version of every card: Teams renders at most 1.5.
	Version = "1.5"
	// ContentType is the attachment content type of an Adaptive Card.
	ContentType = "application/vnd.microsoft.card.adaptive"
	// MaxBytes is the size every serialized card stays under (Teams rejects
	// messages over about 100 KB and asks to keep them under 80 KB).
	MaxBytes = 80 * 1024
)

// Element is a card body element: *TextBlock, *RichTextBlock, *FactSet,
// *Container, *ColumnSet, *ActionSet, *Image, *InputText or *InputChoiceSet.
type Element interface{ isElement() }

// Action is a card action: *ExecuteAction, *OpenURLAction or *ShowCardAction.
type Action interface{ isAction() }

// AdaptiveCard is the root of a card.
type AdaptiveCard struct {
	// Schema is the $schema URL; empty in cards nested in Action.ShowCard.
	Schema  string    `json:"$schema,omitempty"`
	Version string    `json:"version"`
	Refresh *Refresh  `json:"refresh,omitempty"`
	Body    []Element `json:"body,omitempty"`
	Actions []Action  `json:"actions,omitempty"`
	// FallbackText is shown by hosts that cannot render the card (and in notifications).
	FallbackText string `json:"fallbackText,omitempty"`
	// MSTeams holds Teams-only settings.
	MSTeams *MSTeams `json:"msteams,omitempty"`
}

// MSTeams holds the Teams-specific card settings.
type MSTeams struct {
	// Width is "Full" for a full-width card.
	Width string `json:"width,omitempty"`
}

// Refresh makes Teams call the bot (Action.Execute with trigger "automatic")
// when a listed user views the card, so each one sees their own current state.
type Refresh struct {
	Action *ExecuteAction `json:"action"`
	// UserIDs are the users' MRIs (29:…), at most MaxRefreshUsers.
	UserIDs []string `json:"userIds,omitempty"`
}

// MaxRefreshUsers is the most users Teams accepts in refresh.userIds.
const MaxRefreshUsers = 60

// Attachment is a Bot Framework attachment carrying a card.
type Attachment struct {
	ContentType string `json:"contentType"`
	Content     any    `json:"content"`
}

// Attachment wraps c as a Bot Framework attachment.
func (c *AdaptiveCard) Attachment() Attachment {
	return Attachment{ContentType: ContentType, Content: c}
}

// MarshalJSON adds "type": "AdaptiveCard".
func (c AdaptiveCard) MarshalJSON() ([]byte, error) {
	type plain AdaptiveCard
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"AdaptiveCard", plain(c)})
}

// TextBlock is a block of text; hosts interpret a markdown subset in Text.
type TextBlock struct {
	ID        string `json:"id,omitempty"`
	Text      string `json:"text"`
	Wrap      bool   `json:"wrap,omitempty"`
	Size      string `json:"size,omitempty"`
	Weight    string `json:"weight,omitempty"`
	Color     string `json:"color,omitempty"`
	IsSubtle  bool   `json:"isSubtle,omitempty"`
	MaxLines  int    `json:"maxLines,omitempty"`
	Style     string `json:"style,omitempty"`
	Spacing   string `json:"spacing,omitempty"`
	Separator bool   `json:"separator,omitempty"`
}

// RichTextBlock is a paragraph of TextRuns, which are never markdown.
type RichTextBlock struct {
	Inlines   []TextRun `json:"inlines"`
	Spacing   string    `json:"spacing,omitempty"`
	Separator bool      `json:"separator,omitempty"`
}

// TextRun is literal text inside a RichTextBlock.
type TextRun struct {
	Text     string `json:"text"`
	Weight   string `json:"weight,omitempty"`
	Color    string `json:"color,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
	Italic   bool   `json:"italic,omitempty"`
	FontType string `json:"fontType,omitempty"`
}

// FactSet is a list of title/value pairs.
type FactSet struct {
	Facts     []Fact `json:"facts"`
	Spacing   string `json:"spacing,omitempty"`
	Separator bool   `json:"separator,omitempty"`
}

// Fact is one row of a FactSet.
type Fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Container groups elements, optionally with a style ("emphasis", "attention", "good", "warning").
type Container struct {
	Items     []Element `json:"items"`
	Style     string    `json:"style,omitempty"`
	Bleed     bool      `json:"bleed,omitempty"`
	Spacing   string    `json:"spacing,omitempty"`
	Separator bool      `json:"separator,omitempty"`
}

// ColumnSet lays Columns out side by side.
type ColumnSet struct {
	Columns   []Column `json:"columns"`
	Spacing   string   `json:"spacing,omitempty"`
	Separator bool     `json:"separator,omitempty"`
}

// Column is one column of a ColumnSet; Width is "auto", "stretch" or a weight.
type Column struct {
	Width                    string    `json:"width,omitempty"`
	Items                    []Element `json:"items"`
	VerticalContentAlignment string    `json:"verticalContentAlignment,omitempty"`
}

// ActionSet shows actions inside the body.
type ActionSet struct {
	Actions   []Action `json:"actions"`
	Spacing   string   `json:"spacing,omitempty"`
	Separator bool     `json:"separator,omitempty"`
}

// Image is an image by URL.
type Image struct {
	URL     string `json:"url"`
	AltText string `json:"altText,omitempty"`
	Size    string `json:"size,omitempty"`
}

// InputText is a text box; its value reaches the bot in the action's data under ID.
type InputText struct {
	ID          string `json:"id"`
	Label       string `json:"label,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
	IsMultiline bool   `json:"isMultiline,omitempty"`
	MaxLength   int    `json:"maxLength,omitempty"`
	Value       string `json:"value,omitempty"`
	Spacing     string `json:"spacing,omitempty"`
}

// InputChoiceSet is a drop-down or radio list; its value reaches the bot under ID.
type InputChoiceSet struct {
	ID           string   `json:"id"`
	Label        string   `json:"label,omitempty"`
	Choices      []Choice `json:"choices"`
	Style        string   `json:"style,omitempty"`
	Value        string   `json:"value,omitempty"`
	IsRequired   bool     `json:"isRequired,omitempty"`
	ErrorMessage string   `json:"errorMessage,omitempty"`
}

// Choice is one option of an InputChoiceSet.
type Choice struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// ExecuteAction is a Universal Action: Teams sends an adaptiveCard/action
// invoke with Verb and Data (merged with the card's input values).
type ExecuteAction struct {
	Title string `json:"title,omitempty"`
	Verb  string `json:"verb"`
	Data  any    `json:"data,omitempty"`
	// Style is "positive" or "destructive".
	Style string `json:"style,omitempty"`
}

// OpenURLAction opens URL.
type OpenURLAction struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// ShowCardAction reveals a nested card.
type ShowCardAction struct {
	Title string        `json:"title"`
	Card  *AdaptiveCard `json:"card"`
}

func (*TextBlock) isElement()      {}
func (*RichTextBlock) isElement()  {}
func (*FactSet) isElement()        {}
func (*Container) isElement()      {}
func (*ColumnSet) isElement()      {}
func (*ActionSet) isElement()      {}
func (*Image) isElement()          {}
func (*InputText) isElement()      {}
func (*InputChoiceSet) isElement() {}
func (*ExecuteAction) isAction()   {}
func (*OpenURLAction) isAction()   {}
func (*ShowCardAction) isAction()  {}

// MarshalJSON adds "type": "TextBlock".
func (e TextBlock) MarshalJSON() ([]byte, error) {
	type plain TextBlock
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"TextBlock", plain(e)})
}

// MarshalJSON adds "type": "RichTextBlock".
func (e RichTextBlock) MarshalJSON() ([]byte, error) {
	type plain RichTextBlock
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"RichTextBlock", plain(e)})
}

// MarshalJSON adds "type": "TextRun".
func (e TextRun) MarshalJSON() ([]byte, error) {
	type plain TextRun
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"TextRun", plain(e)})
}

// MarshalJSON adds "type": "FactSet".
func (e FactSet) MarshalJSON() ([]byte, error) {
	type plain FactSet
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"FactSet", plain(e)})
}

// MarshalJSON adds "type": "Container".
func (e Container) MarshalJSON() ([]byte, error) {
	type plain Container
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Container", plain(e)})
}

// MarshalJSON adds "type": "ColumnSet".
func (e ColumnSet) MarshalJSON() ([]byte, error) {
	type plain ColumnSet
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"ColumnSet", plain(e)})
}

// MarshalJSON adds "type": "Column".
func (e Column) MarshalJSON() ([]byte, error) {
	type plain Column
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Column", plain(e)})
}

// MarshalJSON adds "type": "ActionSet".
func (e ActionSet) MarshalJSON() ([]byte, error) {
	type plain ActionSet
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"ActionSet", plain(e)})
}

// MarshalJSON adds "type": "Image".
func (e Image) MarshalJSON() ([]byte, error) {
	type plain Image
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Image", plain(e)})
}

// MarshalJSON adds "type": "Input.Text".
func (e InputText) MarshalJSON() ([]byte, error) {
	type plain InputText
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Input.Text", plain(e)})
}

// MarshalJSON adds "type": "Input.ChoiceSet".
func (e InputChoiceSet) MarshalJSON() ([]byte, error) {
	type plain InputChoiceSet
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Input.ChoiceSet", plain(e)})
}

// MarshalJSON adds "type": "Action.Execute".
func (a ExecuteAction) MarshalJSON() ([]byte, error) {
	type plain ExecuteAction
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Action.Execute", plain(a)})
}

// MarshalJSON adds "type": "Action.OpenUrl".
func (a OpenURLAction) MarshalJSON() ([]byte, error) {
	type plain OpenURLAction
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Action.OpenUrl", plain(a)})
}

// MarshalJSON adds "type": "Action.ShowCard".
func (a ShowCardAction) MarshalJSON() ([]byte, error) {
	type plain ShowCardAction
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{"Action.ShowCard", plain(a)})
}
