"""Search attributes (registered on the server by the dev runner / compose) and the workflow ids' shape."""

from temporalio.common import SearchAttributeKey

VENUE_ID = SearchAttributeKey.for_keyword("VenueId")
BOOKING_ID = SearchAttributeKey.for_keyword("BookingId")
CHECK_NUMBERS = SearchAttributeKey.for_keyword_list("CheckNumbers")
SYNC_STATUS = SearchAttributeKey.for_keyword("SyncStatus")
