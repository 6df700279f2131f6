// Package tmpdeps pins, in go.mod, the modules that packages still being
// written will use (MSAL for Go, keyfunc, golang-jwt, msbotbuilder-go's wire
// types, x/time, x/sync), so that `go mod tidy` leaves go.mod unchanged while
// they land. It is deleted as soon as real code imports them all.
package tmpdeps

import (
	_ "github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	_ "github.com/MicahParks/keyfunc/v3"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/infracloudio/msbotbuilder-go/schema"
	_ "golang.org/x/sync/singleflight"
	_ "golang.org/x/time/rate"
)
