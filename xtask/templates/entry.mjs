{{prelude}}
export default sdk.CallWaitingAI;
export const {
{{names}}
} = sdk;
