package deps
import (
 _ "github.com/labstack/echo/v4"
 _ "github.com/jackc/pgx/v5"
 _ "modernc.org/sqlite"
 _ "github.com/golang-jwt/jwt/v5"
 _ "github.com/MicahParks/keyfunc/v3"
 _ "github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
 _ "github.com/google/uuid"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "github.com/infracloudio/msbotbuilder-go/schema"
 _ "golang.org/x/time/rate"
 _ "golang.org/x/sync/singleflight"
)
