"""The client package (ovhsms), tested on its own through Home Assistant's mocked session."""
