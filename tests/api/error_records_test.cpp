// Written with the error-records API.
