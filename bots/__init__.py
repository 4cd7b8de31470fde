"""The overnight robots (claim status, EOB posting, CMN pull).

Not built yet: issue 5. They will post what they cannot finish through
`queue_server.client.QueueClient`.
"""
