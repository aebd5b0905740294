// The CLI prints only snapseal's output: the AWS SDK's notice that its future releases need Node 22 is
// meant for the developer who picks the SDK version (see README "Node versions"), not for a user of a
// command. Only that notice is turned off (the SDK's own switch); every other warning still prints.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
